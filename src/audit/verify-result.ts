/** What verifying the audit chain (in the store or in an export) reports. */
/**
 * Whether checkpoint signatures were checked: `not_checked` always comes with a reason (no key,
 * no checkpoint), so an `ok` without signatures is never silent.
 */
export type SignatureCheck =
  | { signatures: 'verified' }
  | { signatures: 'not_checked'; signatures_reason: string };

export type VerifyResult = SignatureCheck &
  (
    | {
        ok: true;
        events: number;
        checkpoints: number;
        head: string;
        /** Seq of the last checkpoint with a good signature; events after it are chain-only. */
        signed_through: number;
        /** The anchors outside the database the chain was compared with (head file, witness). */
        anchors: string[];
      }
    | { ok: false; events: number; first_bad_seq: number; reason: string }
  );
