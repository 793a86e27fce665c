"""Azure DevOps access: credentials, the SDK facade (`client.AzureDevOps`) and the few raw calls
the SDK lacks, retries, error sentences and the redacted request log. Nothing heavy is imported
here: azure.devops, azure.identity, msrest and requests load when a call needs them."""
