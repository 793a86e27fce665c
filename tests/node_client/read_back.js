// Microsoft's Node.js client (azure-devops-node-api) against an organisation: the projects, the
// active and completed pull requests of a repository (the status as a number, as the client sends
// enums) and the commits of the first active one, printed as one JSON line.
const azdev = require("azure-devops-node-api");

(async () => {
  const env = process.env;
  const connection = new azdev.WebApi(env.ORG_URL, azdev.getPersonalAccessTokenHandler(env.PAT));
  const core = await connection.getCoreApi();
  const projects = await core.getProjects();
  const git = await connection.getGitApi();
  const repos = await git.getRepositories(env.PROJECT);
  const repo = repos.find((r) => r.name === env.REPO);
  const active = await git.getPullRequests(repo.id, { status: 1 }, env.PROJECT);
  const completed = await git.getPullRequests(repo.id, { status: 3 }, env.PROJECT);
  const commits = await git.getPullRequestCommits(repo.id, active[0].pullRequestId, env.PROJECT);
  console.log(
    JSON.stringify({
      projects: projects.map((p) => p.name),
      active: active.map((p) => p.title),
      completed: completed.length,
      commits: commits.length,
    }),
  );
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
