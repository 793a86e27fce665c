"""Placeholder until the SSH git server lands."""


class SshGitServer:
    def __init__(self, sandbox, host, port):
        self.port = None
        self.host_key_fingerprint = None
        self.host_key_line = None

    def start(self):
        pass

    def stop(self):
        pass
