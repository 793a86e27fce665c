"""The sandbox's identity provider: a Microsoft Entra look-alike for azure-identity and MSAL.

`ca` makes and keeps the certificates, `accounts` the accounts and tenants, `tokens` the JWTs and
grants, `oauth` the JSON endpoints, `pages` what a browser shows, `discovery` what the REST port
says about signing in, and `serving` runs the HTTPS listener.

Port layout: the token and discovery endpoints need https (MSAL refuses anything else), but the
REST port stays plain http (git, the SDK and every link the wizard prints use it). So the
identity provider has its own loopback HTTPS port (the authority, kept across starts like the
others), and its pages are also served over plain http at `/_idp` on the REST port, which the
openid configuration names as `authorization_endpoint` and device `verification_uri`: a browser
never meets the private CA, only Python does (per credential, through `connection_verify`).
"""
