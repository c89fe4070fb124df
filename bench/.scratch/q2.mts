import Database from 'better-sqlite3';
const mode = process.argv[3];
const db = new Database(process.argv[2] + '/.tenure/tenure.db', { readonly: true });
if (mode.includes('cache')) db.pragma('cache_size = -262144');
if (mode.includes('mmap')) db.pragma('mmap_size = 4294967296');
const qs: Record<string, string> = {
  accounts: `select * from accounts order by app_id, account_id`,
  accounts_rowid: `select * from accounts`,
  ents: `select h.app_id, h.account_id, h.entitlement_id from access_history as h inner join accounts as a on a.app_id = h.app_id and a.account_id = h.account_id where h.valid_to is null and h.entitlement_id is not null order by h.entitlement_id`,
  ents_nojoin: `select h.app_id, h.account_id, h.entitlement_id from access_history as h where h.valid_to is null and h.entitlement_id is not null`,
  ents_nojoin_rowid: `select h.app_id, h.account_id, h.entitlement_id from access_history as h not indexed where h.valid_to is null and h.entitlement_id is not null`,
};
for (const [k, q] of Object.entries(qs)) {
  const t = performance.now();
  const rows = db.prepare(q).raw(k.startsWith('ents')).all();
  console.log(mode, k, rows.length, (performance.now() - t).toFixed(0), 'ms');
}
