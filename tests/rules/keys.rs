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

// ------------------------------------------- retire, compromise, update

/// Offers `body` signed by `key`, which must be refused by `rule` with
/// exactly `message`.
fn refused_as(w: &mut World, key: &SecretKey, body: Body, rule: &str, message: &str) {
    let (got_rule, got) = w.refused_by(key, body);
    assert_eq!((got_rule, got.as_str()), (rule, message));
}

fn revoke_body(
    key: &SecretKey,
    mode: Option<RevokeMode>,
    since_at: Option<u64>,
    since_entry: Option<u64>,
) -> Body {
    Body::KeyRevoke(KeyRevoke {
        mode,
        since_at,
        since_entry,
        ..KeyRevoke::new(key.public().to_note_string(), "left the desk".into())
    })
}

fn update(key: &SecretKey, display_name: Option<&str>, roles: Option<Vec<Role>>) -> Body {
    Body::KeyUpdate(KeyUpdate {
        key: key.public().to_note_string(),
        display_name: display_name.map(Into::into),
        roles,
        note: None,
    })
}

#[test]
fn revocation_modes_and_their_since_points() {
    use RevokeMode::{Compromised, Retired};
    let mut w = World::new(1);
    let op = w.operator.clone();
    let c = w.checker.clone();
    let c2 = w.checker2.clone();
    let next = w.state.applied().unwrap();
    refused_as(&mut w, &op, revoke_body(&c, Some(Retired), None, Some(0)), "revoke.since-retired",
        "key.revoke refused: a retired key's statements all keep counting; since_at and since_entry are for a compromise");
    refused_as(&mut w, &op, revoke_body(&c, Some(Retired), Some(T0), None), "revoke.since-retired",
        "key.revoke refused: a retired key's statements all keep counting; since_at and since_entry are for a compromise");
    refused_as(
        &mut w,
        &op,
        revoke_body(&c, Some(Compromised), Some(T0), Some(0)),
        "revoke.since-both",
        "key.revoke refused: give the compromise's start as since_at or since_entry, not both",
    );
    refused_as(
        &mut w,
        &op,
        revoke_body(&c, None, None, Some(next + 1)),
        "revoke.since-future",
        &format!(
            "key.revoke refused: since_entry {} is after this revocation (entry {next})",
            next + 1
        ),
    );
    let now = w.now;
    refused_as(
        &mut w,
        &op,
        revoke_body(&c, Some(Compromised), Some(now + 1), None),
        "revoke.since-future",
        &format!(
            "key.revoke refused: since_at {} is after this revocation (logged {})",
            t(now + 1),
            t(now)
        ),
    );

    // Retired: signs nothing more, cannot be retired twice or updated, may
    // be granted again.
    let retired_at = w.state.applied().unwrap();
    w.ok(&op, revoke_body(&c, Some(Retired), None, None));
    let rec = w.state.key(&c.public().bytes()).unwrap().unwrap();
    assert_eq!((rec.revoke_mode, rec.void_from_seq), (Some(Retired), None));
    refused_as(
        &mut w,
        &op,
        revoke_body(&c, Some(Retired), None, None),
        "revoke.already-revoked",
        &format!(
            "key.revoke refused: key checker is already revoked (entry {retired_at}, retired)"
        ),
    );
    refused_as(&mut w, &c, Body::KeyUpdate(KeyUpdate { key: c.public().to_note_string(), display_name: Some("x".into()), roles: None, note: None }), "signer.operator-only",
        &format!("key.update refused: only the operator key may sign key.update; signer Cem Checker (checker, kid {}) is not the operator", kid(&c)));
    refused_as(&mut w, &op, update(&c, Some("Cem, back"), None), "update.revoked-key",
        &format!("key.update refused: key checker was revoked at entry {retired_at}; grant a retired key again instead"));
    let regrant = |name: &str| {
        Body::KeyGrant(KeyGrant {
            key: c.public().to_note_string(),
            display_name: name.into(),
            roles: vec![Role::Checker],
        })
    };
    let back = w.state.applied().unwrap();
    w.ok(&op, regrant("Cem, back"));
    let rec = w.state.key(&c.public().bytes()).unwrap().unwrap();
    assert_eq!(
        (
            rec.revoked_seq,
            rec.revoke_mode,
            rec.granted_seq,
            rec.display_name.as_str()
        ),
        (None, None, back, "Cem, back")
    );
    refused_as(
        &mut w,
        &op,
        regrant("Twice"),
        "grant.already-granted",
        &format!("key.grant refused: key checker is already granted (entry {back})"),
    );

    // A retired key later found compromised: the compromise stands, from
    // its since point, and the key is never granted again.
    w.ok(&op, revoke_body(&c2, Some(Retired), None, None));
    let since = w.state.applied().unwrap() - 3;
    let compromised_at = w.state.applied().unwrap();
    w.ok(&op, revoke_body(&c2, Some(Compromised), None, Some(since)));
    let rec = w.state.key(&c2.public().bytes()).unwrap().unwrap();
    assert_eq!(
        (rec.revoke_mode, rec.void_from_seq, rec.revoked_seq),
        (Some(Compromised), Some(since), Some(compromised_at))
    );
    assert!(rec.counts_at(since - 1) && !rec.counts_at(since));
    refused_as(
        &mut w,
        &op,
        revoke_body(&c2, Some(Compromised), None, None),
        "revoke.already-revoked",
        &format!("key.revoke refused: key checker2 is already revoked (entry {compromised_at})"),
    );
    refused_as(&mut w, &op, Body::KeyGrant(KeyGrant { key: c2.public().to_note_string(), display_name: "Again".into(), roles: vec![Role::Checker] }), "grant.revoked-key",
        &format!("key.grant refused: key checker2 was revoked as compromised at entry {compromised_at}; a compromised key cannot be granted again (generate a new key)"));
    refused_as(&mut w, &op, update(&c2, Some("x"), None), "update.revoked-key",
        &format!("key.update refused: key checker2 was revoked at entry {compromised_at}; a compromised key cannot be changed"));

    // A compromise since a time: from the first entry logged then.
    let c3 = w.checker3.clone();
    let from = w.now;
    let first = w.state.applied().unwrap();
    w.ok(&op, update(&c3, Some("Carl C."), None));
    w.ok(&op, revoke_body(&c3, Some(Compromised), Some(from), None));
    assert_eq!(
        w.state
            .key(&c3.public().bytes())
            .unwrap()
            .unwrap()
            .void_from_seq,
        Some(first)
    );
}

#[test]
fn key_update_rules() {
    let mut w = World::new(1);
    let op = w.operator.clone();
    let c = w.checker.clone();
    let stranger = SecretKey::generate("stranger").unwrap();
    refused_as(
        &mut w,
        &op,
        update(&stranger, Some("S"), None),
        "update.unknown-key",
        "key.update refused: key stranger was never granted",
    );
    refused_as(&mut w, &op, update(&c, None, None), "update.empty",
        "key.update refused: a key.update changes the display name, the roles or both; it gives neither");
    refused_as(&mut w, &op, update(&c, None, Some(vec![])), "update.roles-empty",
        "key.update refused: a key.update's roles list at least one role (editor, checker, auditor); to end a key's roles, revoke it");
    refused_as(
        &mut w,
        &op,
        update(&c, None, Some(vec![Role::Editor, Role::Editor])),
        "update.roles-repeated",
        "key.update refused: roles are listed more than once",
    );
    refused_as(
        &mut w,
        &op,
        update(&c, Some("Cem Checker"), Some(vec![Role::Checker])),
        "update.unchanged",
        "key.update refused: key checker already has that display name and those roles",
    );
    refused_as(&mut w, &op, update(&c, Some("Cem\u{202e}"), None), "field.hidden-character",
        "key.update refused: display_name contains U+202E RIGHT-TO-LEFT OVERRIDE at char 3; directional formatting and hidden characters are not allowed (what is shown must be what is signed)");
    refused_as(&mut w, &op, Body::KeyUpdate(KeyUpdate { key: format!(" {}", c.public().to_note_string()), display_name: Some("x".into()), roles: None, note: None }), "key.form",
        &format!("key.update refused: key must be exactly the verifier key {}, without surrounding white space", c.public().to_note_string()));
    // A checker made editor signs as an editor from then on; a name change
    // alone keeps its roles.
    let ed_body = Body::SourceRecord(source(
        SourceKind::NamedPerson,
        "spokesperson",
        Some("A. Person"),
    ));
    refused_as(&mut w, &c, ed_body.clone(), "signer.role",
        &format!("source.record refused: signer Cem Checker (checker, kid {}) has no role that may sign source.record (needs editor)", kid(&c)));
    let at = w.state.applied().unwrap();
    w.ok(
        &op,
        update(&c, None, Some(vec![Role::Checker, Role::Editor])),
    );
    w.ok(&c, ed_body);
    w.ok(&op, update(&c, Some("Cem, desk editor"), None));
    let rec = w.state.key(&c.public().bytes()).unwrap().unwrap();
    assert_eq!(
        (
            rec.display_name.as_str(),
            rec.roles.as_slice(),
            rec.granted_seq
        ),
        ("Cem, desk editor", &[Role::Checker, Role::Editor][..], 2)
    );
    assert!(at > rec.granted_seq);
}
