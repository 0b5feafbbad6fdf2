// A real, OpenID Certified provider (npm oidc-provider 9.13.3) on loopback
// for the browser test: one client for aims, one person (any login, any
// password, through the package's development interactions) whose ID
// token carries a groups claim. The test passes, in the environment:
//   OIDC_PROVIDER_MODULE  file URL of the package's lib/index.js
//   PORT                  the port to listen on
//   AIMS_REDIRECT_URI     aims's /sso/callback
//   AIMS_POST_LOGOUT_URI  where the provider's sign-out returns (aims's /login)
//   AIMS_GROUPS           the person's groups, comma-separated
const { default: Provider } = await import(process.env.OIDC_PROVIDER_MODULE);

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const person = {
  sub: 'ada',
  email: 'ada@idp.test',
  email_verified: true,
  name: 'Ada Lovelace',
  groups: (process.env.AIMS_GROUPS || '').split(',').filter(Boolean),
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'aims',
    client_secret: 'aims-client-secret',
    redirect_uris: [process.env.AIMS_REDIRECT_URI],
    post_logout_redirect_uris: [process.env.AIMS_POST_LOGOUT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // The claims of the scopes asked for go into the ID token, which is
  // what aims reads (it does not call the userinfo endpoint).
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ ...person, sub: id }) }),
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['aims-test-cookie-key'] },
  pkce: { required: () => true },
});
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
