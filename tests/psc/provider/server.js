// A real OpenID Connect provider (the certified `oidc-provider` package) configured like
// Pro Santé Connect, for Vigie's tests only: discovery at the PSC path
// (/.well-known/wallet-openid-configuration), Keycloak-like endpoint paths, scope
// `openid scope_all`, the PSC claims of test identities, `acr` eidas1, the userinfo answer as
// a JWT signed RS256 (or JSON for the client `vigie-json`). The interaction (PSC's e-CPS page)
// is scripted: it signs in the identity chosen through /__test__/next at once.
//
//   PORT=… CLIENT_ID=… CLIENT_SECRET=… node server.js
//
// Test controls (plain HTTP, this test server only):
//   GET /__test__/next?account=<SubjectNameID>&acr=<acr>&tamper=0|1  the next sign-ins
//   GET /__test__/reset                                              back to the defaults

import http from 'node:http';
import crypto from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.CLIENT_ID || 'vigie';
const clientSecret = process.env.CLIENT_SECRET || 'vigie-secret';

// Test identities, shaped like the PSC test identity published with
// ad2ien/prosante-connect-synapse-module (tests/test_mapping.py). No e-mail, as in PSC.
function exercice(codeProfession, nom, prenom) {
  return {
    codeProfession,
    codeCategorieProfessionnelle: 'C',
    codeCiviliteDexercice: '',
    nomDexercice: nom,
    prenomDexercice: prenom,
    codeTypeSavoirFaire: '',
    codeSavoirFaire: '',
    activities: [{
      codeModeExercice: 'L',
      codeSecteurDactivite: 'SA07',
      numeroSiretSite: '',
      numeroFinessSite: '',
      identifiantTechniqueDeLaStructure: 'R10100000012345',
      raisonSocialeSite: 'CABINET DES LILAS',
      codePostal: '75015',
      bureauCedex: '75015 PARIS',
    }],
  };
}

const IDENTITIES = {
  '810100000001': { given: 'Jeanne', family: 'Martin', civ: 'MME', profession: '10' },
  '810100000002': { given: 'Paul', family: 'Durand', civ: 'M', profession: '60' },
  '810100000003': { given: 'Lucie', family: 'Bernard', civ: 'MME', profession: '70' },
};
const DEFAULTS = { account: '810100000001', acr: 'eidas1', tamper: false };
let next = { ...DEFAULTS };

function claimsOf(accountId) {
  const who = IDENTITIES[accountId];
  return {
    // `sub` is opaque in PSC and differs from the national identifier.
    sub: `f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:${accountId}`,
    SubjectNameID: accountId,
    preferred_username: accountId,
    given_name: who.given,
    family_name: who.family,
    codeCivilite: who.civ,
    SubjectRefPro: { exercices: [exercice(who.profession, who.family, who.given)] },
    otherIds: [{ identifiant: accountId, origine: 'RPPS', qualite: 1 }],
  };
}

function rsaJwk(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

const CALLBACK = '/accounts/psc/login/callback/';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', 'testserver']);
function localUri(uri, path) {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)
      && (path === null || url.pathname === path);
  } catch {
    return false;
  }
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`http://testserver${CALLBACK}`],
      post_logout_redirect_uris: ['http://testserver/accounts/login/'],
      token_endpoint_auth_method: 'client_secret_basic',
      userinfo_signed_response_alg: 'RS256',
    },
    {
      client_id: `${clientId}-json`,
      client_secret: clientSecret,
      redirect_uris: [`http://testserver${CALLBACK}`],
      post_logout_redirect_uris: ['http://testserver/accounts/login/'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [rsaJwk('psc-test-1')] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  scopes: ['openid', 'scope_all'],
  claims: {
    openid: ['sub'],
    scope_all: [
      'SubjectNameID', 'preferred_username', 'given_name', 'family_name', 'codeCivilite',
      'SubjectRefPro', 'otherIds',
    ],
  },
  acrValues: ['eidas1', 'eidas2', 'eidas3'],
  routes: {
    authorization: '/auth',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    jwks: '/protocol/openid-connect/certs',
    end_session: '/protocol/openid-connect/logout',
  },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // PSC signs out without asking: the confirmation form is submitted at once.
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html><head><title>Déconnexion PSC (test)</title></head>
          <body>${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">
          <script>document.forms[0].submit()</script></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    if (!IDENTITIES[sub]) return undefined;
    return { accountId: sub, claims: async () => claimsOf(sub) };
  },
  // PSC asks no consent from the professional: every requested scope is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid scope_all');
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
  ttl: { Session: 60, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><body><h1>oidc error</h1><pre>${JSON.stringify(out)}</pre></body></html>`;
  },
});

// Any port of the test server on 127.0.0.1 (the live server's port is chosen at random).
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
  return localUri(uri, CALLBACK);
};
provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutAllowed(uri) {
  return localUri(uri, null);
};

// A userinfo JWT with a broken signature, when asked for.
provider.use(async (ctx, nextMiddleware) => {
  await nextMiddleware();
  if (next.tamper && ctx.path === '/protocol/openid-connect/userinfo'
      && typeof ctx.body === 'string' && ctx.body.split('.').length === 3) {
    const [head, payload, signature] = ctx.body.split('.');
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    ctx.body = `${head}.${payload}.${flipped}`;
  }
});

const callback = provider.callback();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/__test__/next') {
      next = {
        account: url.searchParams.get('account') || DEFAULTS.account,
        acr: url.searchParams.get('acr') || DEFAULTS.acr,
        tamper: url.searchParams.get('tamper') === '1',
      };
      res.end(JSON.stringify(next));
      return;
    }
    if (url.pathname === '/__test__/reset') {
      next = { ...DEFAULTS };
      res.end(JSON.stringify(next));
      return;
    }
    if (url.pathname === '/.well-known/wallet-openid-configuration') {
      req.url = '/.well-known/openid-configuration';
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (match) {
      // The e-CPS step: the chosen test identity signs in at the chosen level.
      await provider.interactionDetails(req, res);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: next.account, acr: next.acr } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    callback(req, res);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => {
  // The fixture waits for this line.
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
