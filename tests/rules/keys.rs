//! Rules of `ledger.genesis`, `key.grant` and `key.revoke` (`src/state/keys.rs`).

use super::*;

// ---------------------------------------------------------------- keys

#[test]
fn key_rules() {
    let mut w = World::new(1);
    let op = w.operator.clone();
    let ed = w.editor.clone();
    let newbie = SecretKey::generate("newbie").unwrap();
    let grant = |key: &SecretKey, name: &str, roles: Vec<Role>| {
        Body::KeyGrant(KeyGrant {
            key: key.public().to_note_string(),
            display_name: name.into(),
            roles,
        })
    };
    assert_eq!(
        w.refused(&ed, grant(&newbie, "New", vec![Role::Editor])),
        format!(
            "key.grant refused: only the operator key may sign key.grant; signer Eda Editor (editor, kid {}) is not the operator",
            kid(&ed)
        )
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New\u{1b}[2J", vec![Role::Editor])),
        "key.grant refused: display_name contains the control character U+001B; it must be one line of text"
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New", vec![])),
        "key.grant refused: a grant needs at least one role (editor, checker, auditor)"
    );
    assert_eq!(
        w.refused(&op, grant(&newbie, "New", vec![Role::Editor, Role::Editor])),
        "key.grant refused: roles are listed more than once"
    );
    assert_eq!(
        w.refused(&op, grant(&ed, "Again", vec![Role::Editor])),
        "key.grant refused: key editor is already granted (entry 1)"
    );
    let revoke = |key: &SecretKey| {
        Body::KeyRevoke(KeyRevoke::new(
            key.public().to_note_string(),
            "left the desk".into(),
        ))
    };
    assert_eq!(
        w.refused(&op, revoke(&newbie)),
        "key.revoke refused: key newbie was never granted"
    );
    let c2 = w.checker2.clone();
    assert_eq!(
        w.refused(&ed, revoke(&c2)),
        "key.revoke refused: only the operator or the key itself may revoke key checker2"
    );
    let grant_at = T0 + 30;
    assert_eq!(
        w.refused_at(&op, grant_at - 1, revoke(&c2)),
        format!("key.revoke refused: statement time {} is before the time ({}) of the key's grant, which it refers to", t(grant_at - 1), t(grant_at))
    );
    let seq = w.state.applied().unwrap();
    w.ok(&c2, revoke(&c2));
    assert_eq!(
        w.refused(&op, revoke(&c2)),
        format!("key.revoke refused: key checker2 is already revoked (entry {seq})")
    );
    assert_eq!(
        w.refused(&op, grant(&c2, "Back", vec![Role::Checker])),
        format!("key.grant refused: key checker2 was revoked as compromised at entry {seq}; a compromised key cannot be granted again (generate a new key)")
    );
}

#[test]
fn genesis_rules() {
    let genesis = |op: &SecretKey, origin: &str, quorum: u64| {
        Body::Genesis(Genesis {
            origin: origin.into(),
            operator: op.public().to_note_string(),
            description: "test".into(),
            policy: Policy::quorum(quorum),
        })
    };
    let fresh = || {
        let mut w = World::new(1);
        w.state = State::in_memory().unwrap();
        w.now = T0;
        // Its log no longer describes its state; nothing to force into a ledger.
        w.forced_audit = false;
        w
    };
    let mut w = fresh();
    let op = w.operator.clone();
    let other = w.editor.clone();
    assert_eq!(
        w.refused(&other, genesis(&op, "test-operator", 1)),
        "ledger.genesis refused: genesis must be signed by the operator key it names"
    );
    assert_eq!(
        w.refused(&op, genesis(&op, "elsewhere", 1)),
        "ledger.genesis refused: origin 'elsewhere' must equal the operator key's name 'test-operator'"
    );
    assert_eq!(
        w.refused(&op, genesis(&op, "test-operator", 0)),
        "ledger.genesis refused: policy quorum 0 must be between 1 and 100"
    );
}
