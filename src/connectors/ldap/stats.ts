/**
 * Counts LDAP writes made by this process, by kind. Tests read it to prove that re-applying a
 * plan writes nothing; benches to report writes per operation. Reads are counted too.
 */
export type LdapStats = {
  add: number;
  modify: number;
  modifyDN: number;
  del: number;
  search: number;
  compare: number;
};

export const ldapStats: LdapStats & { writes(): number; reset(): void } = {
  add: 0,
  modify: 0,
  modifyDN: 0,
  del: 0,
  search: 0,
  compare: 0,
  writes() {
    return this.add + this.modify + this.modifyDN + this.del;
  },
  reset() {
    this.add = this.modify = this.modifyDN = this.del = this.search = this.compare = 0;
  },
};
