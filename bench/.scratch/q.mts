import Database from 'better-sqlite3';
const db = new Database(process.argv[2] + '/.tenure/tenure.db', { readonly: true });
const qs: Record<string, string> = {
  accounts: `select * from accounts order by app_id, account_id`,
  ents: `select h.app_id, h.account_id, h.entitlement_id from access_history as h inner join accounts as a on a.app_id = h.app_id and a.account_id = h.account_id where h.valid_to is null and h.entitlement_id is not null order by h.entitlement_id`,
  ents_noorder: `select h.app_id, h.account_id, h.entitlement_id from access_history as h inner join accounts as a on a.app_id = h.app_id and a.account_id = h.account_id where h.valid_to is null and h.entitlement_id is not null`,
  ents_nojoin: `select h.app_id, h.account_id, h.entitlement_id from access_history as h where h.valid_to is null and h.entitlement_id is not null`,
  identities: `select * from identities order by id`,
};
for (const [k, q] of Object.entries(qs)) {
  console.log(k, db.prepare('explain query plan ' + q).all().map((r: any) => r.detail).join(' | '));
  const t = performance.now();
  const rows = db.prepare(q).raw(k.startsWith('ents')).all();
  console.log(k, rows.length, (performance.now() - t).toFixed(0), 'ms');
}
