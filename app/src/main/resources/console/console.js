// Obol's operator console. The operator signs in with an API key; the key lives in this tab's session storage (gone
// when the tab closes or on "Sign out"), never in a cookie or the address, and is sent only as `authorization: Bearer`
// to Obol's own Connect face (POST /obol.v1.<Service>/<Method>, proto-JSON). Every text from the API goes into the
// page through textContent (or an SVG text node's textContent), never as markup.
'use strict';

(function () {
  var STORAGE_KEY = 'obol.console.key';
  var ALL_SCOPES = ['wallet:read', 'wallet:debit', 'wallet:grant', 'account:read', 'account:write', 'account:operate',
    'charges:run', 'keys:manage', 'admin'];
  // How a key's scopes are learned when the key list does not show them (see learnScopes): one request per scope the
  // console uses that can never succeed as a write — every write needs an account id and a request id, and these send
  // neither — so a key holding the scope gets INVALID_ARGUMENT (or a read's answer) and nothing is written, and a key
  // without it gets PERMISSION_DENIED / SCOPE_MISSING from the scope check, which runs first. RunMonthlyCharges is
  // never probed: an empty request is a valid charge run.
  var PROBES = [
    { scope: 'wallet:read', service: 'WalletService', method: 'GetBalance', body: {} },
    { scope: 'wallet:grant', service: 'WalletService', method: 'Grant', body: {} },
    { scope: 'wallet:debit', service: 'WalletService', method: 'ReverseDebit', body: {} },
    { scope: 'account:read', service: 'AccountService', method: 'GetStanding', body: {} },
    { scope: 'account:operate', service: 'AccountService', method: 'ListAccounts', body: { pageSize: 1 } },
    { scope: 'admin', service: 'AdminService', method: 'ReprocessStripeEvent', body: {} }
  ];
  var ASSET_NAMES = { ASSET_TOKEN: 'tokens', ASSET_EUR: 'EUR' };
  var SOURCE_NAMES = {
    GRANT_SOURCE_PURCHASE: 'purchase',
    GRANT_SOURCE_SUBSCRIPTION_QUOTA: 'subscription quota',
    GRANT_SOURCE_TOP_UP: 'top-up',
    GRANT_SOURCE_PROMO: 'promo',
    GRANT_SOURCE_ADJUSTMENT: 'adjustment'
  };
  var KIND_NAMES = {
    ENTRY_KIND_GRANT: 'Grant',
    ENTRY_KIND_DEBIT: 'Debit',
    ENTRY_KIND_HOLD: 'Hold',
    ENTRY_KIND_CAPTURE: 'Capture',
    ENTRY_KIND_RELEASE: 'Release',
    ENTRY_KIND_REVERSAL: 'Reversal',
    ENTRY_KIND_EXPIRY: 'Expiry',
    ENTRY_KIND_FEE: 'Seat fee',
    ENTRY_KIND_CLAWBACK: 'Clawback',
    ENTRY_KIND_ADJUSTMENT: 'Adjustment'
  };
  var STATUS_NAMES = {
    ACCOUNT_STATUS_ACTIVE: 'active',
    ACCOUNT_STATUS_INSUFFICIENT_FUNDS: 'insufficient funds',
    ACCOUNT_STATUS_SUSPENDED: 'suspended'
  };
  var PAYMENT_KINDS = [
    { key: 'PAYMENT_KIND_TOKEN_PACK', label: 'token packs' },
    { key: 'PAYMENT_KIND_TOP_UP', label: 'top-ups' },
    { key: 'PAYMENT_KIND_SUBSCRIPTION', label: 'subscriptions' }
  ];
  var ATTENTION = [
    { why: 'insufficient funds', request: { status: 'ACCOUNT_STATUS_INSUFFICIENT_FUNDS' } },
    { why: 'suspended', request: { status: 'ACCOUNT_STATUS_SUSPENDED' } },
    { why: 'low balance', request: { lowBalance: true } },
    { why: 'under 2 months of fee', request: { monthsRemainingBelow: '2' } }
  ];
  var ATTENTION_MAX = 500;
  var LEDGER_PAGE_SIZE = 25;

  var state = {
    key: '',
    keyId: '',
    scopes: {},
    scopesExact: false,
    account: null,
    ledger: null,
    pending: null,
    revoking: null,
    keysNext: ''
  };

  // ---------------------------------------------------------------- helpers

  function el(id) { return document.getElementById(id); }

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function cell(row, text, className) {
    var td = node('td', className, text);
    row.appendChild(td);
    return td;
  }

  function show(id, visible) { el(id).hidden = !visible; }

  function say(id, text) {
    var target = el(id);
    target.textContent = text || '';
    target.hidden = !text;
  }

  function can(scope) { return state.scopes.admin === true || state.scopes[scope] === true; }

  function has(object, name) { return Object.prototype.hasOwnProperty.call(object, name); }

  // int64 comes as a decimal string; amounts stay strings (or BigInt) so nothing is rounded.
  function big(value) {
    try { return BigInt(value === undefined || value === null || value === '' ? 0 : value); } catch (e) { return 0n; }
  }

  function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

  function countText(value) { var v = big(value); return (v < 0n ? '\u2212' : '') + group((v < 0n ? -v : v).toString()); }

  function centsText(value, signed) {
    var v = big(value);
    var negative = v < 0n;
    var digits = (negative ? -v : v).toString().padStart(3, '0');
    var sign = negative ? '\u2212' : (signed && v > 0n ? '+' : '');
    return sign + '\u20ac' + group(digits.slice(0, -2)) + '.' + digits.slice(-2);
  }

  function amountText(asset, value, signed) {
    if (asset === 'ASSET_EUR') { return centsText(value, signed); }
    var v = big(value);
    var sign = v < 0n ? '\u2212' : (signed && v > 0n ? '+' : '');
    var digits = (v < 0n ? -v : v).toString();
    if (asset === 'ASSET_TOKEN') { return sign + group(digits) + (digits === '1' ? ' token' : ' tokens'); }
    return sign + group(digits);
  }

  function assetName(asset) { return has(ASSET_NAMES, asset) ? ASSET_NAMES[asset] : String(asset || 'unknown asset'); }

  function statusName(status) { return has(STATUS_NAMES, status) ? STATUS_NAMES[status] : String(status || 'unknown'); }

  function pad(n) { return String(n).padStart(2, '0'); }

  function when(timestamp) {
    if (!timestamp) { return ''; }
    var date = new Date(timestamp);
    if (isNaN(date.getTime())) { return String(timestamp); }
    return date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate()) + ' '
      + pad(date.getUTCHours()) + ':' + pad(date.getUTCMinutes()) + ':' + pad(date.getUTCSeconds());
  }

  // A fresh idempotency key. crypto.randomUUID needs a secure context (https, or localhost); getRandomValues does not.
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-'
      + hex.slice(20);
  }

  // `obol_<key id>_<64 hex digits>`: the key id is not secret (logs and the ledger name it).
  function keyIdOf(secret) {
    var match = /^obol_(.+)_[0-9a-f]{64}$/.exec(secret);
    return match ? match[1] : '';
  }

  var INT64_MAX = 9223372036854775807n;

  // What the operator typed as an amount, in the asset's minor unit (cents for EUR), as a string; null if it is not one.
  function parseAmount(asset, text) {
    var value = String(text || '').trim().replace(/[\s,_]/g, '');
    var minor;
    if (asset === 'ASSET_EUR') {
      var match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.replace(/^\u20ac/, ''));
      if (!match) { return null; }
      minor = BigInt(match[1]) * 100n + BigInt((match[2] || '0').padEnd(2, '0'));
    } else {
      if (!/^\d+$/.test(value)) { return null; }
      minor = BigInt(value);
    }
    if (minor <= 0n || minor > INT64_MAX) { return null; }
    return minor.toString();
  }

  // ---------------------------------------------------------------- the API

  function ApiError(code, reason, message, metadata) {
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason || '';
    this.message = message;
    this.metadata = metadata || {};
  }
  ApiError.prototype = Object.create(Error.prototype);

  function errorInfo(json) {
    var details = json && Array.isArray(json.details) ? json.details : [];
    for (var i = 0; i < details.length; i++) {
      var detail = details[i];
      if (detail && detail.type === 'google.rpc.ErrorInfo' && detail.debug) {
        return { reason: String(detail.debug.reason || ''), metadata: detail.debug.metadata || {} };
      }
    }
    return { reason: '', metadata: {} };
  }

  function call(service, method, body) {
    return fetch('/obol.v1.' + service + '/' + method, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer ' + state.key },
      body: JSON.stringify(body || {}),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : {}; } catch (e) { json = null; }
        if (!response.ok) {
          var info = errorInfo(json);
          var message = json && typeof json.message === 'string' && json.message
            ? json.message : 'the server answered HTTP ' + response.status;
          throw new ApiError(json && typeof json.code === 'string' ? json.code : 'unknown', info.reason, message,
            info.metadata);
        }
        if (json === null) { throw new ApiError('internal', '', 'the server answered something that is not JSON'); }
        return json;
      });
    }, function () {
      throw new ApiError('unavailable', '', 'Obol could not be reached; check the connection and try again');
    });
  }

  // The error's reason in words: the server's message (written for people), then its code and ErrorInfo reason.
  function errorText(error) {
    if (!(error instanceof ApiError)) { return String(error && error.message ? error.message : error); }
    var text = error.message;
    if (error.reason === 'SCOPE_MISSING') {
      text = 'This key may not do that: it needs the scope ' + (error.metadata.scope || 'it lacks') + '.';
    }
    return text + ' (' + error.code + (error.reason ? ', ' + error.reason : '') + ')';
  }

  function retryable(error) {
    return error instanceof ApiError && (error.code === 'unavailable' || error.code === 'deadline_exceeded');
  }

  // ---------------------------------------------------------------- signing in

  // Which scopes the key holds. Asked of the server, never assumed:
  // 1. AdminService.ListApiKeys: a key with keys:manage finds itself (by the key id its secret carries) and reads its
  //    own scopes exactly.
  // 2. Otherwise (no keys:manage, or a key the list does not show, such as OBOL_BOOTSTRAP_ADMIN_KEY) one probe per
  //    scope the console uses (PROBES, above), nothing written.
  // Whatever was learned, an action refused later with SCOPE_MISSING is also hidden then.
  function learnScopes() {
    var scopes = {};
    var keyId = keyIdOf(state.key);
    var pages = 0;
    function listPage(token) {
      return call('AdminService', 'ListApiKeys', { pageSize: 500, pageToken: token }).then(function (page) {
        var keys = page.keys || [];
        for (var i = 0; i < keys.length; i++) {
          if (keyId && keys[i].keyId === keyId) { return { exact: true, key: keys[i] }; }
        }
        pages++;
        return page.nextPageToken && pages < 20 ? listPage(page.nextPageToken) : { exact: false, listed: true };
      });
    }
    return listPage('').then(null, function (error) {
      if (error.code === 'permission_denied' && error.reason === 'SCOPE_MISSING') { return { exact: false }; }
      if (error.code === 'permission_denied' && error.reason === 'ACCOUNT_NOT_ALLOWED') { throw boundKeyError(''); }
      throw error;
    }).then(function (listed) {
      if (listed.exact) {
        if (listed.key.accountId) { throw boundKeyError(listed.key.accountId); }
        (listed.key.scopes || []).forEach(function (scope) { scopes[scope] = true; });
        return { scopes: scopes, exact: true, name: listed.key.name || '' };
      }
      if (listed.listed) { scopes['keys:manage'] = true; }
      return Promise.all(PROBES.map(function (probe) {
        return call(probe.service, probe.method, probe.body).then(function () { return true; }, function (error) {
          if (error.code === 'permission_denied' && error.reason === 'SCOPE_MISSING') { return false; }
          if (error.code === 'permission_denied' && error.reason === 'ACCOUNT_NOT_ALLOWED') { throw boundKeyError(''); }
          if (error.code === 'invalid_argument' || error.code === 'not_found'
            || error.code === 'failed_precondition') { return true; }
          throw error;
        }).then(function (held) { if (held) { scopes[probe.scope] = true; } });
      })).then(function () { return { scopes: scopes, exact: false, name: '' }; });
    });
  }

  function boundKeyError(accountId) {
    return new ApiError('permission_denied', 'ACCOUNT_NOT_ALLOWED', 'This key is bound to '
      + (accountId ? 'the account ' + accountId : 'one account')
      + '; the console needs an operator key (a bound key opens /portal).');
  }

  function signIn(secret, remembered) {
    state.key = secret;
    state.keyId = keyIdOf(secret);
    say('signin-error', '');
    el('signin-submit').disabled = true;
    say('status', 'Signing in\u2026');
    return learnScopes().then(function (learned) {
      state.scopes = learned.scopes;
      state.scopesExact = learned.exact;
      var held = ALL_SCOPES.filter(function (scope) { return learned.scopes[scope] === true; });
      if (held.length === 0) {
        throw new ApiError('permission_denied', 'SCOPE_MISSING',
          'This key holds none of the scopes the console uses (wallet:read, account:read, account:operate, '
          + 'wallet:grant, wallet:debit, keys:manage).');
      }
      try { sessionStorage.setItem(STORAGE_KEY, secret); } catch (e) { /* memory only, then */ }
      el('signin-key').value = '';
      el('who-key').textContent = (state.keyId ? 'key ' + state.keyId : 'signed in')
        + (learned.name ? ' (' + learned.name + ')' : '') + ' \u00b7 ' + held.join(', ')
        + (learned.exact ? '' : ' (probed)');
      show('who', true);
      show('nav-accounts', accountsAllowed());
      show('nav-sales', can('account:operate'));
      show('nav-keys', can('keys:manage'));
      show('nav', true);
      document.body.setAttribute('data-signed-in', 'true');
      say('status', '');
      route();
    }, function (error) {
      state.key = '';
      state.scopes = {};
      try { sessionStorage.removeItem(STORAGE_KEY); } catch (e) { /* nothing kept */ }
      say('status', '');
      showView('signin');
      say('signin-error', error.code === 'unauthenticated'
        ? 'This key is unknown, revoked or expired (' + (error.reason || error.code) + ').'
        : errorText(error));
      if (!remembered) { el('signin-key').focus(); }
    }).then(function () { el('signin-submit').disabled = false; });
  }

  function signOut() {
    try { sessionStorage.removeItem(STORAGE_KEY); } catch (e) { /* nothing kept */ }
    state.key = '';
    state.keyId = '';
    state.scopes = {};
    state.account = null;
    document.body.removeAttribute('data-signed-in');
    show('nav', false);
    show('who', false);
    el('who-key').textContent = '';
    clearSecret();
    if (location.hash) { history.replaceState(null, '', location.pathname); }
    showView('signin');
  }

  function accountsAllowed() { return can('wallet:read') || can('account:read') || can('account:operate'); }

  // ---------------------------------------------------------------- views and routing

  var VIEWS = ['signin', 'accounts', 'account', 'sales', 'keys'];

  function showView(name) {
    VIEWS.forEach(function (view) { show('view-' + view, view === name); });
    Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (link) {
      var current = link.getAttribute('data-view') === name || (name === 'account' && link.id === 'nav-accounts');
      if (current) { link.setAttribute('aria-current', 'page'); } else { link.removeAttribute('aria-current'); }
    });
    say('error', '');
    document.body.setAttribute('data-view', name);
  }

  function route() {
    if (!state.key) { showView('signin'); return; }
    var hash = location.hash || '';
    var match = /^#\/account\/(.+)$/.exec(hash);
    if (match && (can('wallet:read') || can('account:read'))) {
      var id;
      try { id = decodeURIComponent(match[1]); } catch (e) { id = match[1]; }
      openAccount(id);
    } else if (hash === '#/sales' && can('account:operate')) {
      openSales();
    } else if (hash === '#/keys' && can('keys:manage')) {
      openKeys();
    } else if (accountsAllowed()) {
      openAccounts();
    } else if (can('keys:manage')) {
      openKeys();
    } else {
      showView('accounts');
      show('search-card', false);
      show('attention-card', false);
      show('accounts-none', true);
    }
  }

  // ---------------------------------------------------------------- accounts

  function openAccounts() {
    showView('accounts');
    show('search-card', can('wallet:read') || can('account:read'));
    show('attention-card', can('account:operate'));
    show('accounts-none', !accountsAllowed());
    if (can('account:operate')) { loadAttention(); }
  }

  function listAll(filter) {
    var found = [];
    var pages = 0;
    function page(token) {
      var request = Object.assign({ pageSize: 500 }, filter.request);
      if (token) { request.pageToken = token; }
      return call('AccountService', 'ListAccounts', request).then(function (response) {
        (response.accounts || []).forEach(function (account) { found.push(account); });
        pages++;
        var next = response.nextPageToken || '';
        // One call reads at most 5,000 accounts, so a page may be short or empty with a token: follow it.
        if (next && found.length < ATTENTION_MAX && pages < 40) { return page(next); }
        return { filter: filter, accounts: found.slice(0, ATTENTION_MAX), truncated: !!next || found.length > ATTENTION_MAX };
      });
    }
    return page('');
  }

  function loadAttention() {
    say('attention-status', 'Loading\u2026');
    show('attention-table', false);
    show('attention-empty', false);
    show('attention-truncated', false);
    return Promise.all(ATTENTION.map(listAll)).then(function (lists) {
      var byId = {};
      var order = [];
      var truncated = [];
      lists.forEach(function (list) {
        if (list.truncated) { truncated.push(list.filter.why); }
        list.accounts.forEach(function (account) {
          if (!has(byId, account.accountId)) {
            byId[account.accountId] = { account: account, why: [] };
            order.push(account.accountId);
          }
          byId[account.accountId].why.push(list.filter.why);
        });
      });
      order.sort();
      var rows = el('attention-rows');
      rows.textContent = '';
      order.forEach(function (id) {
        var entry = byId[id];
        var account = entry.account;
        var standing = account.standing || {};
        var row = node('tr');
        row.setAttribute('data-account', id);
        var first = cell(row, null);
        var link = node('a', 'mono', id);
        link.href = '#/account/' + encodeURIComponent(id);
        first.appendChild(link);
        var why = cell(row, null);
        entry.why.forEach(function (reason) { why.appendChild(node('span', 'badge why', reason)); });
        cell(row, statusName(standing.status));
        cell(row, amountText('ASSET_TOKEN', account.tokenBalance || '0'), 'num');
        cell(row, centsText(standing.balance || '0'), 'num');
        cell(row, big(standing.monthlyFee) > 0n ? centsText(standing.monthlyFee) : '\u2013', 'num');
        cell(row, big(standing.monthlyFee) > 0n ? countText(standing.monthsRemaining || '0') : '\u2013', 'num');
        rows.appendChild(row);
      });
      say('attention-status', '');
      show('attention-table', order.length > 0);
      show('attention-empty', order.length === 0);
      if (truncated.length) {
        say('attention-truncated', 'Only the first ' + ATTENTION_MAX + ' accounts of: ' + truncated.join(', ') + '.');
      }
      el('attention-card').setAttribute('data-loaded', 'true');
    }, function (error) {
      say('attention-status', '');
      say('attention-truncated', '');
      say('error', errorText(error));
    });
  }

  // ---------------------------------------------------------------- one account

  function openAccount(id) {
    showView('account');
    state.account = { id: id, wallets: [], standing: null };
    state.ledger = { asset: '', feature: '', tokens: [''], index: 0 };
    state.pending = null;
    el('account-id').textContent = id;
    show('account-status', false);
    say('account-error', '');
    ['standing-card', 'balances-card', 'actions-card', 'usage-card', 'ledger-card', 'confirm'].forEach(function (card) {
      show(card, false);
    });
    say('action-result', '');
    say('action-error', '');
    el('ledger-asset').value = '';
    el('ledger-feature').value = '';
    el('usage-month').value = currentMonth();
    document.body.removeAttribute('data-account-loaded');
    var first = can('wallet:read') ? loadBalances() : loadStanding();
    return first.then(function () {
      var rest = [];
      if (can('wallet:read')) {
        rest.push(loadLedger(), loadUsage(), loadFeatures());
      }
      if (can('account:read') && can('wallet:read')) { rest.push(loadStanding()); }
      showActions();
      return Promise.all(rest);
    }).then(function () {
      showActions();
      document.body.setAttribute('data-account-loaded', 'true');
    }, function (error) {
      if (error instanceof ApiError && error.code === 'not_found') {
        say('account-error', 'No account with the id \u201c' + id + '\u201d. ' + errorText(error));
      } else {
        say('account-error', errorText(error));
      }
      document.body.setAttribute('data-account-loaded', 'error');
    });
  }

  function isCurrent(id) { return state.account && state.account.id === id; }

  function loadBalances() {
    var id = state.account.id;
    return call('WalletService', 'GetBalance', { accountId: id }).then(function (response) {
      if (!isCurrent(id)) { return; }
      state.account.wallets = response.wallets || [];
      renderBalances();
    });
  }

  function renderBalances() {
    var container = el('balances');
    container.textContent = '';
    // The token wallet always; another asset's only when it holds something or has live grants (GetBalance answers
    // an empty EUR wallet for an account that never had euros).
    var wallets = state.account.wallets.filter(function (wallet) {
      return wallet.asset === 'ASSET_TOKEN' || big(wallet.balance) !== 0n || big(wallet.held) !== 0n
        || (wallet.grants || []).length > 0;
    });
    if (!wallets.length) { container.appendChild(node('p', 'empty', 'No wallet yet.')); }
    wallets.forEach(function (wallet) {
      var box = node('div', 'wallet');
      box.setAttribute('data-asset', wallet.asset || '');
      var head = node('div', 'wallet-head');
      head.appendChild(node('span', 'asset', assetName(wallet.asset)));
      head.appendChild(node('span', 'amount balance', amountText(wallet.asset, wallet.balance)));
      if (big(wallet.held) !== 0n) { head.appendChild(node('span', 'held', amountText(wallet.asset, wallet.held) + ' held')); }
      if (wallet.lowBalance === true) { head.appendChild(node('span', 'badge warn', 'low balance')); }
      box.appendChild(head);
      var grants = wallet.grants || [];
      if (!grants.length) {
        box.appendChild(node('p', 'empty', 'No live grants.'));
      } else {
        var wrap = node('div', 'scroll');
        var table = node('table', 'grants');
        var headRow = node('tr');
        ['#', 'Source', 'Amount', 'Remaining', 'Held', 'Priority', 'Expires (UTC)', 'Reference', 'Grant']
          .forEach(function (h, i) {
            headRow.appendChild(node('th', i >= 2 && i <= 5 ? 'num' : '', h));
          });
        var thead = node('thead');
        thead.appendChild(headRow);
        table.appendChild(thead);
        var body = node('tbody');
        // GetBalance answers the live grants in burn order: the first burns first.
        grants.forEach(function (grant, index) {
          var row = node('tr');
          row.setAttribute('data-grant', grant.grantId || '');
          cell(row, String(index + 1));
          cell(row, has(SOURCE_NAMES, grant.source) ? SOURCE_NAMES[grant.source] : String(grant.source || ''), 'nowrap');
          cell(row, amountText(wallet.asset, grant.amount), 'num');
          cell(row, amountText(wallet.asset, grant.remaining), 'num');
          // Held by open holds (Reserve): part of remaining, not spendable until captured or released.
          cell(row, amountText(wallet.asset, grant.held || '0'), 'num held');
          cell(row, String(grant.priority === undefined ? '' : grant.priority), 'num');
          cell(row, grant.expiresAt ? when(grant.expiresAt) : 'never');
          cell(row, grant.reference || '');
          cell(row, grant.grantId || '', 'mono small');
          body.appendChild(row);
        });
        table.appendChild(body);
        wrap.appendChild(table);
        box.appendChild(wrap);
      }
      container.appendChild(box);
    });
    show('balances-card', true);
  }

  function loadStanding() {
    var id = state.account.id;
    return call('AccountService', 'GetStanding', { accountId: id }).then(function (standing) {
      if (!isCurrent(id)) { return; }
      state.account.standing = standing;
      renderStanding(standing);
    }, function (error) {
      if (!can('wallet:read')) { throw error; }
      if (!isCurrent(id)) { return; }
      var list = el('standing');
      list.textContent = '';
      list.appendChild(node('dd', 'error', errorText(error)));
      show('standing-card', true);
    });
  }

  function renderStanding(standing) {
    var list = el('standing');
    list.textContent = '';
    var hasFee = big(standing.monthlyFee) > 0n;
    function fact(name, value, key) {
      var term = node('dt', null, name);
      var description = node('dd', null, value);
      if (key) { description.setAttribute('data-fact', key); }
      list.appendChild(term);
      list.appendChild(description);
    }
    fact('Status', statusName(standing.status), 'status');
    fact('Seats', countText(standing.seatCount || '0'), 'seats');
    fact('Monthly fee', hasFee ? centsText(standing.monthlyFee) : 'none', 'fee');
    fact('EUR balance', centsText(standing.balance || '0'), 'balance');
    if (big(standing.owed) > 0n) { fact('Owed', centsText(standing.owed), 'owed'); }
    fact('Months remaining', hasFee ? countText(standing.monthsRemaining || '0') : '\u2013', 'months');
    fact('Next month paid for', hasFee ? (standing.canAffordNextMonth ? 'yes' : 'no') : '\u2013', 'afford');
    fact('Last charge', standing.lastChargeAt ? when(standing.lastChargeAt) + ' UTC' : 'never', 'last-charge');
    fact('Next charge', standing.nextChargeAt ? when(standing.nextChargeAt) + ' UTC' : '\u2013', 'next-charge');
    if (standing.lowBalanceAlerted) { fact('Low-balance alert', 'sent', 'alerted'); }
    var badge = el('account-status');
    badge.textContent = statusName(standing.status);
    badge.className = 'badge ' + (standing.status === 'ACCOUNT_STATUS_ACTIVE' ? 'ok' : 'bad');
    badge.hidden = false;
    show('standing-card', true);
  }

  // ---- ledger

  function loadFeatures() {
    return call('WalletService', 'ListFeatures', {}).then(function (response) {
      var list = el('ledger-features');
      list.textContent = '';
      (response.features || []).forEach(function (feature) {
        var option = node('option');
        option.value = feature.feature || '';
        list.appendChild(option);
      });
    }, function () { /* only suggestions */ });
  }

  function loadLedger() {
    var id = state.account.id;
    var ledger = state.ledger;
    var request = { accountId: id, pageSize: LEDGER_PAGE_SIZE };
    if (ledger.asset) { request.asset = ledger.asset; }
    if (ledger.feature) { request.feature = ledger.feature; }
    if (ledger.tokens[ledger.index]) { request.pageToken = ledger.tokens[ledger.index]; }
    return call('WalletService', 'ListLedgerEntries', request).then(function (response) {
      if (!isCurrent(id) || ledger !== state.ledger) { return; }
      var rows = el('ledger-rows');
      rows.textContent = '';
      (response.entries || []).forEach(function (entry) {
        var row = node('tr');
        row.setAttribute('data-entry', entry.entryId || '');
        row.setAttribute('data-kind', entry.kind || '');
        cell(row, when(entry.createdAt), 'nowrap');
        cell(row, has(KIND_NAMES, entry.kind) ? KIND_NAMES[entry.kind] : String(entry.kind || ''), 'nowrap');
        cell(row, entry.feature || '');
        cell(row, amountText(entry.asset, entry.amount, true), 'num ' + (big(entry.amount) < 0n ? 'debit' : 'credit'));
        cell(row, amountText(entry.asset, entry.balanceAfter), 'num');
        cell(row, entry.reason || '', 'reason');
        cell(row, entry.keyId || 'Obol', 'mono small key');
        cell(row, entry.requestId || '', 'mono small request');
        // A debit (or a hold's capture) can be reversed from its line: the button fills the reverse form, which is
        // reviewed and confirmed like any action.
        var action = node('td');
        if (entry.debitId && (entry.kind === 'ENTRY_KIND_DEBIT' || entry.kind === 'ENTRY_KIND_CAPTURE')
            && can('wallet:debit')) {
          var reverse = node('button', 'link reverse-line', 'Reverse\u2026');
          reverse.type = 'button';
          reverse.setAttribute('data-debit', entry.debitId);
          reverse.addEventListener('click', function () {
            el('reverse-debit').value = entry.debitId;
            el('reverse-reason').focus();
          });
          action.appendChild(reverse);
        }
        row.appendChild(action);
        rows.appendChild(row);
      });
      var next = response.nextPageToken || '';
      ledger.tokens.length = ledger.index + 1;
      if (next) { ledger.tokens.push(next); }
      show('ledger-older', !!next);
      show('ledger-newer', ledger.index > 0);
      el('ledger-page').textContent = 'page ' + (ledger.index + 1);
      show('ledger-empty', rows.childElementCount === 0);
      show('ledger-card', true);
    });
  }

  function filterLedger(event) {
    event.preventDefault();
    state.ledger = {
      asset: el('ledger-asset').value,
      feature: el('ledger-feature').value.trim(),
      tokens: [''],
      index: 0
    };
    loadLedger().catch(function (error) { say('error', errorText(error)); });
  }

  // ---- usage chart

  function currentMonth() {
    var now = new Date();
    return now.getUTCFullYear() + '-' + pad(now.getUTCMonth() + 1);
  }

  var MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
    'November', 'December'];

  function loadUsage() {
    var id = state.account.id;
    var match = /^(\d{4})-(\d{2})$/.exec(el('usage-month').value || currentMonth());
    if (!match) { match = /^(\d{4})-(\d{2})$/.exec(currentMonth()); }
    var year = Number(match[1]);
    var month = Number(match[2]) - 1;
    var asset = el('usage-asset').value;
    var from = new Date(Date.UTC(year, month, 1)).toISOString();
    var to = new Date(Date.UTC(year, month + 1, 1)).toISOString();
    return call('WalletService', 'GetUsageSummary', {
      accountId: id, asset: asset, from: from, to: to, groupBy: 'GROUP_BY_FEATURE'
    }).then(function (response) {
      if (!isCurrent(id)) { return; }
      var rows = response.rows || [];
      var items = rows.map(function (row) {
        var uses = big(row.debitCount);
        return {
          label: row.key || '(no feature)',
          value: Number(big(row.debited)),
          text: amountText(asset, row.debited) + ' \u00b7 ' + countText(uses) + (uses === 1n ? ' debit' : ' debits'),
          extra: big(row.reversed) > 0n
            ? { value: Number(big(row.reversed)), text: amountText(asset, row.reversed) + ' reversed' } : null
        };
      });
      // Shown before drawing: the chart is drawn at its container's width.
      show('usage-card', true);
      el('usage-title').textContent = MONTH_NAMES[month] + ' ' + year + ' (UTC), ' + assetName(asset)
        + ': debited per feature' + (items.some(function (i) { return i.extra; }) ? ', and reversed (thin bar)' : '');
      window.ObolCharts.hbars(el('usage-chart'), items, {
        title: 'Usage per feature, ' + MONTH_NAMES[month] + ' ' + year, cls: 'series-0'
      });
      show('usage-empty', items.length === 0);
      show('usage-card', true);
    }, function (error) {
      if (!isCurrent(id)) { return; }
      if (error instanceof ApiError && error.code === 'not_found') {
        // No wallet of that asset yet: nothing used.
        el('usage-chart').textContent = '';
        el('usage-title').textContent = MONTH_NAMES[month] + ' ' + year + ' (UTC), ' + assetName(asset);
        show('usage-empty', true);
        show('usage-card', true);
        return;
      }
      throw error;
    });
  }

  // ---- actions, each confirmed and sent with a fresh request id

  function showActions() {
    show('grant-action', can('wallet:grant'));
    show('reverse-action', can('wallet:debit'));
    show('status-action', can('account:operate'));
    show('actions-card', can('wallet:grant') || can('wallet:debit') || can('account:operate'));
    var standing = state.account.standing;
    var suspended = standing && standing.status === 'ACCOUNT_STATUS_SUSPENDED';
    // Without the standing (no account:read) both are offered; the server says what changed.
    show('suspend-review', !standing || !suspended);
    show('reinstate-review', !standing || suspended);
  }

  // The request id is made when the operator is asked to confirm, and kept while that confirmation is open: sending
  // it again after a network failure is then a safe retry (the server answers the first result), never a second grant.
  function review(text, run) {
    state.pending = { run: run, requestId: uuid(), account: state.account.id };
    el('confirm-text').textContent = text;
    el('confirm-request').textContent = state.pending.requestId;
    el('confirm-yes').disabled = false;
    say('action-result', '');
    say('action-error', '');
    show('confirm', true);
    el('confirm-yes').focus();
  }

  function confirmPending() {
    var pending = state.pending;
    if (!pending || !isCurrent(pending.account)) { return; }
    el('confirm-yes').disabled = true;
    el('confirm-no').disabled = true;
    say('action-error', '');
    pending.run(pending.requestId).then(function (message) {
      state.pending = null;
      show('confirm', false);
      say('action-result', message);
    }, function (error) {
      if (retryable(error)) {
        say('action-error', errorText(error) + ' Confirm again to retry with the same request id: it is applied at '
          + 'most once.');
        return;
      }
      state.pending = null;
      show('confirm', false);
      if (error instanceof ApiError && error.reason === 'SCOPE_MISSING' && error.metadata.scope) {
        state.scopes[error.metadata.scope] = false;
        showActions();
      }
      say('action-error', errorText(error));
    }).then(function () {
      el('confirm-yes').disabled = false;
      el('confirm-no').disabled = false;
    });
  }

  function cancelPending() {
    state.pending = null;
    show('confirm', false);
  }

  function refreshAccount() {
    var tasks = [];
    if (can('wallet:read')) {
      state.ledger = { asset: state.ledger.asset, feature: state.ledger.feature, tokens: [''], index: 0 };
      tasks.push(loadBalances(), loadLedger(), loadUsage());
    }
    if (can('account:read')) { tasks.push(loadStanding()); }
    return Promise.all(tasks).then(showActions, function () { showActions(); });
  }

  function balanceOf(asset) {
    var wallets = state.account.wallets || [];
    for (var i = 0; i < wallets.length; i++) {
      if (wallets[i].asset === asset) { return wallets[i].balance; }
    }
    return null;
  }

  function reviewGrant(event) {
    event.preventDefault();
    var id = state.account.id;
    var asset = el('grant-asset').value;
    var amount = parseAmount(asset, el('grant-amount').value);
    var reason = el('grant-reason').value.trim();
    if (amount === null) {
      say('action-error', asset === 'ASSET_EUR' ? 'Give the amount in euros, e.g. 12.50.' : 'Give a whole number of tokens.');
      return;
    }
    if (!reason) { say('action-error', 'Give a reason: it is kept in the ledger.'); return; }
    review('Grant ' + amountText(asset, amount, true) + ' to ' + id + ' as a goodwill credit (source adjustment), '
      + 'reason \u201c' + reason + '\u201d?', function (requestId) {
      return call('WalletService', 'Grant', {
        accountId: id, asset: asset, amount: amount, source: 'GRANT_SOURCE_ADJUSTMENT', reason: reason,
        requestId: requestId
      }).then(function (response) {
        el('grant-form').reset();
        return refreshAccount().then(function () {
          return 'Granted ' + amountText(asset, amount, true) + ' (grant ' + (response.grantId || '?') + '). New balance: '
            + amountText(asset, response.balance) + '.';
        });
      });
    });
  }

  function reviewReverse(event) {
    event.preventDefault();
    var id = state.account.id;
    var debitId = el('reverse-debit').value.trim();
    var amountText0 = el('reverse-amount').value.trim();
    var reason = el('reverse-reason').value.trim();
    var amount = '0';
    if (amountText0) {
      if (!/^\d+$/.test(amountText0) || big(amountText0) <= 0n || big(amountText0) > INT64_MAX) {
        say('action-error', 'Give the amount in the debit\u2019s minor unit (tokens, or cents), or leave it empty.');
        return;
      }
      amount = big(amountText0).toString();
    }
    if (!debitId) { say('action-error', 'Give the debit id.'); return; }
    if (!reason) { say('action-error', 'Give a reason: it is kept in the ledger.'); return; }
    review('Reverse ' + (amount === '0' ? 'all that is left of' : amount + ' of') + ' debit ' + debitId + ' on ' + id
      + ', reason \u201c' + reason + '\u201d?', function (requestId) {
      var before = (state.account.wallets || []).map(function (w) { return { asset: w.asset, balance: big(w.balance) }; });
      return call('WalletService', 'ReverseDebit', {
        accountId: id, debitId: debitId, amount: amount, reason: reason, requestId: requestId
      }).then(function (response) {
        el('reverse-form').reset();
        return refreshAccount().then(function () {
          // The answer carries numbers only: the debit's asset is the wallet that rose by what was reversed.
          var asset = null;
          before.forEach(function (w) {
            var now = balanceOf(w.asset);
            if (now !== null && big(now) === big(response.balance) && big(now) - w.balance === big(response.reversed)) {
              asset = w.asset;
            }
          });
          return 'Reversed ' + amountText(asset, response.reversed) + ' of debit ' + debitId + '. New balance: '
            + amountText(asset, response.balance) + (asset ? '' : ' (in the debit\u2019s minor unit)') + '.';
        });
      });
    });
  }

  function reviewStatus(suspend) {
    var id = state.account.id;
    var reason = el('status-reason').value.trim();
    if (!reason) { say('action-error', 'Give a reason.'); return; }
    review((suspend ? 'Suspend ' : 'Reinstate ') + id + ', reason \u201c' + reason + '\u201d?'
      + (suspend ? ' Every debit is denied until it is reinstated.' : ''), function (requestId) {
      return call('AccountService', suspend ? 'SuspendAccount' : 'ReinstateAccount', {
        accountId: id, reason: reason, requestId: requestId
      }).then(function (response) {
        el('status-form').reset();
        return refreshAccount().then(function () {
          return 'The account is now ' + statusName(response.status) + '.';
        });
      });
    });
  }

  // ---------------------------------------------------------------- sales

  function salesWindow() {
    var range = el('sales-range').value;
    var now = new Date();
    var year = now.getUTCFullYear();
    var month = now.getUTCMonth();
    if (range === 'days') {
      return { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1), groupBy: 'GROUP_BY_DAY', unit: 'day' };
    }
    var months = Number(range) || 12;
    return { from: Date.UTC(year, month - months + 1, 1), to: Date.UTC(year, month + 1, 1), groupBy: 'GROUP_BY_MONTH',
      unit: 'month' };
  }

  // Every key of the window (the answer has only periods with something in them), for a true time axis.
  function periodKeys(window0) {
    var keys = [];
    var date = new Date(window0.from);
    while (date.getTime() < window0.to && keys.length < 400) {
      if (window0.groupBy === 'GROUP_BY_DAY') {
        keys.push(date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate()));
        date = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1));
      } else {
        keys.push(date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1));
        date = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
      }
    }
    return keys;
  }

  function openSales() {
    showView('sales');
    loadSales();
  }

  function loadSales() {
    var window0 = salesWindow();
    say('sales-unavailable', '');
    say('sales-error', '');
    show('sales-body', false);
    document.body.removeAttribute('data-sales-loaded');
    say('status', 'Loading\u2026');
    return call('AccountService', 'GetSalesSummary', {
      from: new Date(window0.from).toISOString(),
      to: new Date(window0.to).toISOString(),
      groupBy: window0.groupBy
    }).then(function (response) {
      say('status', '');
      renderSales(response, window0);
      document.body.setAttribute('data-sales-loaded', 'true');
    }, function (error) {
      say('status', '');
      if (error instanceof ApiError && error.code === 'unimplemented') {
        say('sales-unavailable', 'Sales figures are not available from this Obol server: it does not serve '
          + 'AccountService.GetSalesSummary yet (it answered \u201cunimplemented\u201d). They appear here once Obol runs '
          + 'a version that has it.');
      } else {
        say('sales-error', errorText(error));
      }
      document.body.setAttribute('data-sales-loaded', 'error');
    });
  }

  function revenueOf(period, kind) {
    var list = period.revenue || [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].kind === kind) { return big(list[i].amount); }
    }
    return 0n;
  }

  function packCount(period) {
    return (period.packs || []).reduce(function (sum, pack) { return sum + big(pack.count); }, 0n);
  }

  function salesRow(period, label, tag) {
    var row = node('tr');
    row.setAttribute('data-period', period.key || '');
    cell(row, label, tag === 'th' ? 'total' : 'nowrap');
    cell(row, centsText(period.revenueAmount || '0'), 'num');
    cell(row, countText(packCount(period)), 'num');
    cell(row, countText(period.topUpCount || '0'), 'num');
    cell(row, countText(period.newSubscriptions || '0') + ' new, ' + countText(period.renewedSubscriptions || '0')
      + ' renewed', 'num');
    cell(row, countText(period.paymentCount || '0'), 'num');
    cell(row, centsText(period.averageBasketAmount || '0'), 'num');
    cell(row, countText(period.refundCount || '0') + ' \u00b7 ' + centsText(period.refundedAmount || '0'), 'num');
    cell(row, countText(period.disputeCount || '0') + ' \u00b7 ' + centsText(period.disputedAmount || '0'), 'num');
    cell(row, countText(period.payingAccounts || '0'), 'num');
    cell(row, countText(period.activeSubscribers || '0'), 'num');
    return row;
  }

  function euroAxis(cents) {
    var euros = cents / 100;
    if (euros >= 10000) { return '\u20ac' + group(String(Math.round(euros / 1000))) + 'k'; }
    return '\u20ac' + group(String(Math.round(euros)));
  }

  function renderSales(response, window0) {
    var periods = response.periods || [];
    // Shown before drawing: the charts are drawn at their containers' width.
    show('sales-body', true);
    var totals = response.totals || {};
    el('sales-unit').textContent = window0.unit;

    var tiles = el('sales-totals');
    tiles.textContent = '';
    function tile(name, value, key) {
      var box = node('div', 'tile');
      box.setAttribute('data-total', key);
      box.appendChild(node('span', 'tile-value', value));
      box.appendChild(node('span', 'tile-name', name));
      tiles.appendChild(box);
    }
    tile('revenue', centsText(totals.revenueAmount || '0'), 'revenue');
    tile('payments', countText(totals.paymentCount || '0'), 'payments');
    tile('average basket', centsText(totals.averageBasketAmount || '0'), 'basket');
    tile('packs sold', countText(packCount(totals)), 'packs');
    tile('paying accounts', countText(totals.payingAccounts || '0'), 'paying');
    tile('active subscribers', countText(totals.activeSubscribers || '0'), 'subscribers');
    tile('refunded (' + countText(totals.refundCount || '0') + ')', centsText(totals.refundedAmount || '0'), 'refunds');
    tile('disputed (' + countText(totals.disputeCount || '0') + ')', centsText(totals.disputedAmount || '0'), 'disputes');

    var byKey = {};
    periods.forEach(function (period) { byKey[period.key] = period; });
    var columns = periodKeys(window0).map(function (key) {
      var period = byKey[key] || {};
      var parts = {};
      PAYMENT_KINDS.forEach(function (kind) { parts[kind.key] = Number(revenueOf(period, kind.key)); });
      return { label: key, parts: parts };
    });
    window.ObolCharts.stacked(el('sales-revenue-chart'), columns, PAYMENT_KINDS, {
      title: 'Revenue per ' + window0.unit + ' by kind', format: euroAxis
    });

    var packs = (totals.packs || []).map(function (pack) {
      return {
        label: pack.pack || '(no name)',
        value: Number(big(pack.count)),
        text: countText(pack.count) + ' sold \u00b7 ' + centsText(pack.revenueAmount || '0')
      };
    });
    window.ObolCharts.hbars(el('sales-packs-chart'), packs, { title: 'Packs sold', cls: 'series-0' });
    show('sales-packs-empty', packs.length === 0);

    var features = (totals.topFeatures || []).map(function (feature) {
      return {
        label: feature.feature || '(no feature)',
        value: Number(big(feature.debited)),
        text: amountText('ASSET_TOKEN', feature.debited || '0') + ' \u00b7 ' + countText(feature.debitCount || '0')
          + ' debits'
      };
    });
    window.ObolCharts.hbars(el('sales-features-chart'), features, { title: 'Top features', cls: 'series-1' });
    show('sales-features-empty', features.length === 0);

    var rows = el('sales-rows');
    rows.textContent = '';
    periods.forEach(function (period) { rows.appendChild(salesRow(period, period.key || '', 'td')); });
    var foot = el('sales-foot');
    foot.textContent = '';
    if (periods.length) { foot.appendChild(salesRow(totals, 'Total', 'th')); }
    show('sales-empty', periods.length === 0);
    show('sales-body', true);
  }

  // ---------------------------------------------------------------- API keys

  function openKeys() {
    showView('keys');
    var scopes = el('key-scopes');
    scopes.textContent = '';
    // Only the scopes this key may hand on (a key without admin cannot grant a scope it does not hold).
    ALL_SCOPES.filter(can).forEach(function (scope) {
      var label = node('label', 'check');
      var box = node('input');
      box.type = 'checkbox';
      box.value = scope;
      box.name = 'scope';
      box.setAttribute('data-scope', scope);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + scope));
      scopes.appendChild(label);
    });
    say('key-error', '');
    say('revoke-result', '');
    show('revoke-confirm', false);
    loadKeys(false);
  }

  function loadKeys(more) {
    say('keys-error', '');
    var request = { pageSize: 100 };
    if (more && state.keysNext) { request.pageToken = state.keysNext; }
    return call('AdminService', 'ListApiKeys', request).then(function (response) {
      var rows = el('keys-rows');
      if (!more) { rows.textContent = ''; }
      (response.keys || []).forEach(function (key) { rows.appendChild(keyRow(key)); });
      state.keysNext = response.nextPageToken || '';
      show('keys-more', !!state.keysNext);
      el('keys-table').setAttribute('data-loaded', 'true');
    }, function (error) { say('keys-error', errorText(error)); });
  }

  function keyRow(key) {
    var row = node('tr');
    row.setAttribute('data-key', key.keyId || '');
    cell(row, key.keyId || '', 'mono small');
    cell(row, key.name || '', 'name');
    cell(row, (key.scopes || []).join(', '), 'scopes');
    cell(row, key.accountId || 'any', key.accountId ? 'mono small' : 'hint');
    cell(row, when(key.createdAt), 'nowrap');
    cell(row, key.expiresAt ? when(key.expiresAt) : 'never', 'nowrap');
    cell(row, key.lastUsedAt ? when(key.lastUsedAt) : '\u2013', 'nowrap');
    var expired = key.expiresAt && new Date(key.expiresAt).getTime() <= Date.now();
    var stateText = key.revokedAt ? 'revoked ' + when(key.revokedAt) : (expired ? 'expired' : 'active');
    cell(row, stateText, 'state ' + (key.revokedAt || expired ? 'bad' : 'ok'));
    var actions = cell(row, null, 'nowrap');
    if (!key.revokedAt) {
      var button = node('button', 'danger small revoke', 'Revoke');
      button.type = 'button';
      button.addEventListener('click', function () { reviewRevoke(key); });
      actions.appendChild(button);
    }
    return row;
  }

  function reviewRevoke(key) {
    state.revoking = { key: key, requestId: uuid() };
    var own = key.keyId === state.keyId;
    el('revoke-text').textContent = 'Revoke key ' + key.keyId + ' (' + (key.name || 'no name') + ')? Every call with it '
      + 'is refused within seconds; this cannot be undone.' + (own ? ' It is the key you are signed in with.' : '');
    say('revoke-result', '');
    say('keys-error', '');
    show('revoke-confirm', true);
    el('revoke-yes').focus();
  }

  function confirmRevoke() {
    var revoking = state.revoking;
    if (!revoking) { return; }
    el('revoke-yes').disabled = true;
    call('AdminService', 'RevokeApiKey', { keyId: revoking.key.keyId, requestId: revoking.requestId })
      .then(function (response) {
        state.revoking = null;
        show('revoke-confirm', false);
        var revoked = response.key || {};
        say('revoke-result', 'Key ' + (revoked.keyId || revoking.key.keyId) + ' is revoked'
          + (revoked.revokedAt ? ' (' + when(revoked.revokedAt) + ' UTC)' : '') + '.');
        if (revoking.key.keyId === state.keyId) { signOut(); return; }
        return loadKeys(false);
      }, function (error) {
        if (!retryable(error)) {
          state.revoking = null;
          show('revoke-confirm', false);
        }
        say('keys-error', errorText(error));
      }).then(function () { el('revoke-yes').disabled = false; });
  }

  function createKey(event) {
    event.preventDefault();
    say('key-error', '');
    var name = el('key-name').value.trim();
    var scopes = Array.prototype.map.call(document.querySelectorAll('#key-scopes input:checked'), function (box) {
      return box.value;
    });
    if (!name) { say('key-error', 'Give the key a name.'); return; }
    if (!scopes.length) { say('key-error', 'Choose at least one scope.'); return; }
    var request = { name: name, scopes: scopes, requestId: uuid() };
    var account = el('key-account').value.trim();
    if (account) { request.accountId = account; }
    var expires = el('key-expires').value;
    if (expires) {
      var date = new Date(expires);
      if (isNaN(date.getTime())) { say('key-error', 'The expiry is not a date.'); return; }
      request.expiresAt = date.toISOString();
    }
    el('key-create').disabled = true;
    call('AdminService', 'CreateApiKey', request).then(function (response) {
      el('key-form').reset();
      var key = response.key || {};
      el('key-secret').textContent = response.secret || '';
      el('key-secret-id').textContent = (key.keyId || '') + (key.name ? ' (' + key.name + ')' : '');
      say('key-copy-status', '');
      show('key-secret-box', true);
      return loadKeys(false);
    }, function (error) { say('key-error', errorText(error)); }).then(function () { el('key-create').disabled = false; });
  }

  function copySecret() {
    var secret = el('key-secret').textContent;
    function selectIt() {
      var range = document.createRange();
      range.selectNodeContents(el('key-secret'));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      navigator.clipboard.writeText(secret).then(function () {
        say('key-copy-status', 'Copied.');
      }, function () {
        selectIt();
        say('key-copy-status', 'The browser did not allow copying: the secret is selected, press Ctrl+C.');
      });
    } else {
      selectIt();
      say('key-copy-status', 'The secret is selected: press Ctrl+C.');
    }
  }

  function clearSecret() {
    el('key-secret').textContent = '';
    el('key-secret-id').textContent = '';
    say('key-copy-status', '');
    show('key-secret-box', false);
  }

  // ---------------------------------------------------------------- start

  function start() {
    el('signin-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var secret = el('signin-key').value.trim();
      if (secret) { signIn(secret, false); }
    });
    el('sign-out').addEventListener('click', signOut);
    el('search-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var id = el('search-id').value.trim();
      if (!id) { return; }
      var target = '#/account/' + encodeURIComponent(id);
      if (location.hash === target) { route(); } else { location.hash = target; }
    });
    el('attention-refresh').addEventListener('click', loadAttention);
    el('ledger-form').addEventListener('submit', filterLedger);
    el('ledger-older').addEventListener('click', function () {
      state.ledger.index++;
      loadLedger().catch(function (error) { say('error', errorText(error)); });
    });
    el('ledger-newer').addEventListener('click', function () {
      state.ledger.index = Math.max(0, state.ledger.index - 1);
      loadLedger().catch(function (error) { say('error', errorText(error)); });
    });
    el('usage-form').addEventListener('submit', function (event) {
      event.preventDefault();
      loadUsage().catch(function (error) { say('error', errorText(error)); });
    });
    el('grant-form').addEventListener('submit', reviewGrant);
    el('reverse-form').addEventListener('submit', reviewReverse);
    el('status-form').addEventListener('submit', function (event) { event.preventDefault(); reviewStatus(true); });
    el('reinstate-review').addEventListener('click', function () { reviewStatus(false); });
    el('confirm-yes').addEventListener('click', confirmPending);
    el('confirm-no').addEventListener('click', cancelPending);
    el('sales-form').addEventListener('submit', function (event) { event.preventDefault(); loadSales(); });
    el('key-form').addEventListener('submit', createKey);
    el('key-copy').addEventListener('click', copySecret);
    el('key-secret-done').addEventListener('click', clearSecret);
    el('keys-refresh').addEventListener('click', function () { loadKeys(false); });
    el('keys-more').addEventListener('click', function () { loadKeys(true); });
    el('revoke-yes').addEventListener('click', confirmRevoke);
    el('revoke-no').addEventListener('click', function () { state.revoking = null; show('revoke-confirm', false); });
    addEventListener('hashchange', function () { if (state.key) { route(); } });

    var remembered = null;
    try { remembered = sessionStorage.getItem(STORAGE_KEY); } catch (e) { remembered = null; }
    if (remembered) {
      signIn(remembered, true);
    } else {
      showView('signin');
      el('signin-key').focus();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
