// Obol's customer credit page. Opened as /portal#key=<account-bound key>&account=<account id>: the key is read from
// the fragment (never sent to a server as part of a URL), the fragment is dropped from the address bar, and the key
// lives only in this script's variables. Every text from the API goes into the page through textContent.
'use strict';

(function () {
  var FEATURE_NAMES = { image: 'Image generation', audio: 'Audio', video: 'Video' };
  var KIND_NAMES = {
    ENTRY_KIND_GRANT: 'Credit added',
    ENTRY_KIND_DEBIT: 'Used',
    ENTRY_KIND_HOLD: 'Held',
    ENTRY_KIND_CAPTURE: 'Captured',
    ENTRY_KIND_RELEASE: 'Released',
    ENTRY_KIND_REVERSAL: 'Refund',
    ENTRY_KIND_EXPIRY: 'Expired',
    ENTRY_KIND_FEE: 'Seat fee',
    ENTRY_KIND_CLAWBACK: 'Taken back',
    ENTRY_KIND_ADJUSTMENT: 'Adjustment'
  };
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December'];

  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  var key = params.get('key') || '';
  var account = params.get('account') || '';
  if (location.hash) {
    history.replaceState(null, '', location.pathname);
  }

  function el(id) { return document.getElementById(id); }

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function showError(message) {
    el('status').hidden = true;
    var error = el('error');
    error.textContent = message;
    error.hidden = false;
  }

  function featureName(feature) {
    if (!feature) { return ''; }
    return Object.prototype.hasOwnProperty.call(FEATURE_NAMES, feature) ? FEATURE_NAMES[feature] : feature;
  }

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  // int64 comes as a decimal string; amounts stay strings so no precision is lost.
  function parts(value) {
    var text = String(value === undefined || value === null ? '0' : value);
    var negative = text.charAt(0) === '-';
    return { negative: negative, digits: negative ? text.slice(1) : text };
  }

  function amountText(asset, value, signed) {
    var p = parts(value);
    var sign = signed ? (p.negative ? '\u2212' : '+') : (p.negative ? '\u2212' : '');
    if (asset === 'ASSET_EUR') {
      var cents = p.digits.padStart(3, '0');
      return sign + '\u20ac' + group(cents.slice(0, -2)) + '.' + cents.slice(-2);
    }
    return sign + group(p.digits) + (p.digits === '1' ? ' token' : ' tokens');
  }

  function when(timestamp) {
    if (!timestamp) { return ''; }
    var date = new Date(timestamp);
    if (isNaN(date.getTime())) { return ''; }
    var pad = function (n) { return String(n).padStart(2, '0'); };
    return date.getDate() + ' ' + MONTHS[date.getMonth()] + ' ' + pad(date.getHours()) + ':' + pad(date.getMinutes());
  }

  function call(method, body) {
    return fetch('/obol.v1.WalletService/' + method, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer ' + key },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : {}; } catch (e) { json = null; }
        if (!response.ok) {
          var message = json && typeof json.message === 'string' && json.message
            ? json.message : 'the server answered ' + response.status;
          throw new Error(message);
        }
        if (json === null) { throw new Error('the server answered something that is not JSON'); }
        return json;
      });
    }, function () {
      throw new Error('Obol could not be reached; check the connection and reload the page');
    });
  }

  function renderBalances(wallets) {
    var list = el('balances');
    list.textContent = '';
    var low = false;
    wallets.forEach(function (wallet) {
      var item = node('li', 'balance');
      item.setAttribute('data-asset', wallet.asset || '');
      item.appendChild(node('span', 'amount', amountText(wallet.asset, wallet.balance, false)));
      if (parts(wallet.held).digits !== '0') {
        item.appendChild(node('span', 'held', amountText(wallet.asset, wallet.held, false) + ' held'));
      }
      list.appendChild(item);
      if (wallet.lowBalance === true) { low = true; }
    });
    if (wallets.length === 0) {
      list.appendChild(node('li', 'balance', 'No credits yet.'));
    }
    el('low-balance').hidden = !low;
    el('balances-section').hidden = false;
  }

  function monthWindow() {
    var now = new Date();
    var from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    var to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    return { from: from, to: to, name: FULL_MONTHS[now.getUTCMonth()] + ' ' + now.getUTCFullYear() };
  }

  function renderUsage(summaries, month) {
    var list = el('usage');
    list.textContent = '';
    var count = 0;
    summaries.forEach(function (summary) {
      (summary.response.rows || []).forEach(function (row) {
        var item = node('li', 'usage-row');
        item.setAttribute('data-feature', row.key || '');
        var what = node('span', 'what', row.key ? featureName(row.key) : 'Other use');
        var uses = parts(row.debitCount).digits;
        what.appendChild(document.createTextNode(' '));
        what.appendChild(node('span', 'count', '(' + group(uses) + (uses === '1' ? ' use' : ' uses') + ')'));
        item.appendChild(what);
        var text = amountText(summary.asset, row.debited, false);
        if (parts(row.reversed).digits !== '0') {
          text += ', ' + amountText(summary.asset, row.reversed, false) + ' refunded';
        }
        item.appendChild(node('span', 'amount', text));
        list.appendChild(item);
        count++;
      });
    });
    el('usage-title').textContent = 'Usage this month (' + month.name + ', UTC)';
    el('usage-empty').hidden = count > 0;
    el('usage-section').hidden = false;
  }

  function historyItem(entry) {
    var item = node('li', 'entry');
    item.setAttribute('data-kind', entry.kind || '');
    var what = node('span', 'what');
    // A capture is the debit of work that held credit first: shown as the feature, like a debit.
    var spent = entry.kind === 'ENTRY_KIND_DEBIT' || entry.kind === 'ENTRY_KIND_CAPTURE';
    var label = spent && entry.feature
      ? featureName(entry.feature)
      : (KIND_NAMES[entry.kind] || 'Entry') + (entry.feature ? ' \u00b7 ' + featureName(entry.feature) : '');
    // A hold or a release moves credit between available and held (amount 0): show what it held or gave back.
    var moved = entry.kind === 'ENTRY_KIND_HOLD' || entry.kind === 'ENTRY_KIND_RELEASE';
    var shown = moved ? String(entry.heldChange || '0').replace(/^-/, '') : entry.amount;
    var amount = node('span', 'amount', amountText(entry.asset, shown, !moved));
    if (!moved && !parts(entry.amount).negative) { amount.className += ' credit'; }
    what.appendChild(node('span', 'label', label));
    what.appendChild(document.createTextNode(' '));
    what.appendChild(amount);
    what.appendChild(document.createTextNode(', '));
    what.appendChild(node('span', 'when', when(entry.createdAt)));
    if (entry.reason) {
      what.appendChild(node('span', 'reason', entry.reason));
    }
    item.appendChild(what);
    item.appendChild(node('span', 'amount after', 'balance ' + amountText(entry.asset, entry.balanceAfter, false)));
    return item;
  }

  var nextPage = '';

  function loadHistory(append) {
    var request = { accountId: account, pageSize: 50 };
    if (append && nextPage) { request.pageToken = nextPage; }
    return call('ListLedgerEntries', request).then(function (response) {
      var list = el('history');
      if (!append) { list.textContent = ''; }
      (response.entries || []).forEach(function (entry) { list.appendChild(historyItem(entry)); });
      nextPage = response.nextPageToken || '';
      el('more').hidden = !nextPage;
      el('history-empty').hidden = list.childElementCount > 0;
      el('history-section').hidden = false;
    });
  }

  function start() {
    if (!key || !account) {
      showError('This page needs a link with a key and an account: /portal#key=\u2026&account=\u2026. '
        + 'Ask the product you use for a new link.');
      return;
    }
    var accountLine = el('account');
    accountLine.textContent = 'Account ' + account;
    accountLine.hidden = false;
    var month = monthWindow();
    call('GetBalance', { accountId: account }).then(function (balance) {
      // The token wallet always; another asset's only when it holds something (a customer without euros sees none).
      var wallets = (balance.wallets || []).filter(function (wallet) {
        return wallet.asset === 'ASSET_TOKEN' || parts(wallet.balance).digits !== '0'
          || parts(wallet.held).digits !== '0' || (wallet.grants || []).length > 0;
      });
      renderBalances(wallets);
      var assets = wallets.map(function (wallet) { return wallet.asset; })
        .filter(function (asset) { return asset === 'ASSET_TOKEN' || asset === 'ASSET_EUR'; });
      if (assets.length === 0) { assets = ['ASSET_TOKEN']; }
      var usage = Promise.all(assets.map(function (asset) {
        return call('GetUsageSummary', {
          accountId: account,
          asset: asset,
          from: month.from.toISOString(),
          to: month.to.toISOString(),
          groupBy: 'GROUP_BY_FEATURE'
        }).then(function (response) { return { asset: asset, response: response }; });
      })).then(function (summaries) { renderUsage(summaries, month); });
      return Promise.all([usage, loadHistory(false)]);
    }).then(function () {
      el('status').hidden = true;
      document.body.setAttribute('data-loaded', 'true');
    }, function (error) {
      showError(error.message);
    });
    el('more').addEventListener('click', function () {
      loadHistory(true).catch(function (error) { showError(error.message); });
    });
  }

  // A new link opened in the same page (only the fragment changes): start again with its key.
  addEventListener('hashchange', function () {
    if (location.hash) { location.reload(); }
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
