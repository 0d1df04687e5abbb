"""Verifiable history (issue 16): a Merkle log per service over its events, signed checkpoints (C2SP
tlog-checkpoint / signed-note), a witness that co-signs them (C2SP tlog-witness / tlog-cosignature),
and inclusion and consistency proofs (RFC 9162). See ``docs/events/transparency.md``.

``proofs_for(conn, event_ids)`` (``kinerja_kernel.transparency.proofs``) is the API evidence packs and
documents use to carry the inclusion proofs of their events against a witnessed checkpoint.
"""
