//! Every refusal the domain commands can trigger: the message on stderr,
//! the exit code, and nothing written (the checkpoint unchanged). The
//! ledger audits clean afterwards.

use crate::support::{sample, Seeded};
use serde_json::{json, Value};

fn write_json(s: &Seeded, name: &str, v: &Value) -> String {
    let path = s.root().join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path.display().to_string()
}

/// The sample import file, its propositions reworded: the seeded ledger
/// holds its claims already, and an import of the same proposition at the
/// same passage is refused (see `import_refusals`).
fn sample_import() -> Value {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("claims-v1.json")).unwrap()).unwrap();
    for c in v["claims"].as_array_mut().unwrap() {
        let p = c["proposition"].as_str().unwrap();
        c["proposition"] = json!(format!("Again: {p}"));
    }
    v
}

#[test]
fn claim_add_refusals() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let add = |quote: &str, extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "claim",
            "add",
            "--article",
            &s.v1[..12],
            "--quote",
            quote,
            "--proposition",
            "A proposition.",
            "--key",
            &eda,
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        v.extend(extra.iter().map(|x| x.to_string()));
        v
    };
    let refused = |args: Vec<String>, code: i32, msg: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        s.refused(&args, code, msg);
    };

    // The quote is not in the article.
    refused(
        add("talks in Geneva ended in agreement", &[]),
        1,
        "cannot anchor the quote in article",
    );
    refused(
        add("talks in Geneva ended in agreement", &[]),
        1,
        "\"talks in Geneva ended in agreement\" does not occur in the article text",
    );
    // The quote is ambiguous.
    refused(
        add("Afghan negotiators", &[]),
        1,
        "\"Afghan negotiators\" occurs 2 times in the article text (at positions",
    );
    refused(add("Afghan negotiators", &[]), 1, "quote more of it");
    refused(
        add("Afghan negotiators", &[]),
        1,
        "; quote more of it; or pick one with --prefix TEXT (the text just before it) or --suffix TEXT (the text just after it)",
    );
    // An unknown source id: not found, exit 4.
    refused(
        add(
            "Taliban spokesperson Zabihullah Mujahid thanked the host countries",
            &["--source", "abcdef0123", "--cue", "thanked"],
        ),
        4,
        "--source abcdef0123: no source.record has an id starting with abcdef0123",
    );
    // An id of the wrong kind.
    refused(
        add(
            "Taliban spokesperson Zabihullah Mujahid thanked the host countries",
            &["--relayed-by", &s.claim("deadlock")[..12], "--cue", "via"],
        ),
        4,
        "is a claim.record, not a source.record",
    );
    // The rules: a source needs a cue; a direct quote must be in the passage.
    refused(
        add(
            "Taliban spokesperson Zabihullah Mujahid thanked the host countries",
            &["--source", &s.source("mujahid")[..12]],
        ),
        1,
        "claim.record refused: attribution.cue is missing",
    );
    refused(
        add(
            "Taliban spokesperson Zabihullah Mujahid thanked the host countries",
            &[
                "--source",
                &s.source("mujahid")[..12],
                "--cue",
                "thanked",
                "--direct-quote",
                "warm thanks",
            ],
        ),
        1,
        "attribution.quote does not occur in anchor.exact",
    );
    // Checkers do not record claims.
    let chloe = s.key("chloe");
    let mut args = add("the latest round of talks in Istanbul", &[]);
    let k = args.iter().position(|a| a == &eda).unwrap();
    args[k] = chloe;
    refused(args, 1, "signer Chloe Checker (chloe, kid ");
    refused(
        add("the latest round of talks in Istanbul", &[])
            .into_iter()
            .map(|a| if a == eda { s.key("chloe") } else { a })
            .collect(),
        1,
        ") has no role that may sign claim.record (needs editor)",
    );
    s.assert_audit_clean();
}

#[test]
fn verify_refusals() {
    let s = Seeded::new();
    let cem_verdict = s.verify("cem", "deadlock", "true");
    // An editor-only key may not sign verdicts.
    s.refused(
        &[
            "verify",
            s.claim("deadlock"),
            "--verdict",
            "true",
            "--key",
            &s.key("eda"),
        ],
        1,
        "verification refused: signer Eda Editor (eda, kid ",
    );
    // Without --key, say whose key is wanted.
    s.refused(
        &["verify", s.claim("deadlock"), "--verdict", "true"],
        2,
        "a verification is signed with a checker's own key: pass --key NAME.key (or set PROVLEDGER_KEY)",
    );
    // Someone else's verdict cannot be withdrawn.
    s.refused(
        &[
            "verify",
            "withdraw",
            &cem_verdict[..12],
            "--reason",
            "I disagree",
            "--key",
            &s.key("chloe"),
        ],
        1,
        &format!(
            "verification {} was signed by cem (Cem Checker); only its own signer may withdraw it",
            &cem_verdict[..12]
        ),
    );
    // Evidence hashes pair with evidence URLs.
    s.refused(
        &[
            "verify",
            s.claim("deadlock"),
            "--verdict",
            "true",
            "--evidence-sha256",
            &"ab".repeat(32),
            "--key",
            &s.key("cem"),
        ],
        2,
        "1 --evidence-sha256 and 0 --evidence-note for 0 --evidence",
    );
    s.refused(
        &[
            "verify",
            s.claim("deadlock"),
            "--verdict",
            "true",
            "--evidence",
            "https://example.org/e",
            "--evidence-sha256",
            "xyz",
            "--key",
            &s.key("cem"),
        ],
        1,
        "--evidence-sha256 'xyz' (for https://example.org/e)",
    );
    // Not a verdict name: a usage error.
    s.refused(
        &[
            "verify",
            s.claim("deadlock"),
            "--verdict",
            "probably",
            "--key",
            &s.key("cem"),
        ],
        2,
        "unknown verdict 'probably'",
    );
    // A removed claim takes no verdicts.
    let v2 = s.update_article();
    s.revise(
        "phone-call",
        &["--article", &v2, "--removed", "--reason", "article_updated"],
    );
    s.refused(
        &[
            "verify",
            s.claim("phone-call"),
            "--verdict",
            "true",
            "--key",
            &s.key("cem"),
        ],
        1,
        "was removed from its article",
    );
    s.assert_audit_clean();
}

#[test]
fn import_refusals() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let import = |file: &str| {
        vec![
            "claim".to_string(),
            "import".into(),
            file.into(),
            "--article".into(),
            s.v1.clone(),
            "--key".into(),
            eda.clone(),
        ]
    };
    let refused = |args: Vec<String>, msg: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        s.refused(&args, 1, msg);
    };

    // Failing the schema: each problem names its JSON pointer.
    let mut bad = sample_import();
    bad["claims"][3]["hedge"] = json!("maybe");
    bad["claims"][5].as_object_mut().unwrap().remove("cue");
    bad["sources"][1]["name"] = json!("Ahmad");
    bad["claims"][0]["colour"] = json!("red");
    let file = write_json(&s, "bad-schema.json", &bad);
    for msg in [
        "does not follow schemas/claim-import.schema.json (4 problems; nothing was written)",
        "\n  /claims/0 (ref \"deadlock\"): unknown field \"colour\"\n",
        "\n  /claims/3 (ref \"joint-statement-optimism\"): field \"hedge\": \"maybe\" is not one of: none, reportedly, believed, alleged, claimed, suspected, apparently, unconfirmed\n",
        "\n  /claims/5 (ref \"officials-detached\"): missing field \"cue\" (the attributing words are required with source or relayed_by)\n",
        "\n  /sources/1 (ref \"afghan-officials\"): field \"name\" is not allowed for a source of kind \"anonymous_group\"",
    ] {
        refused(import(&file), msg);
    }
    // The validator's own wording of the schema never shows.
    let out = s.run(&import(&file).iter().map(String::as_str).collect::<Vec<_>>());
    let stderr = &out.stderr;
    for wording in [
        "False schema",
        "is a required property",
        "Additional properties",
    ] {
        assert!(!stderr.contains(wording), "{stderr}");
    }
    // Types, patterns, empty text, const and an empty claims list.
    let mut bad = sample_import();
    bad["claims"][1]["proposition"] = json!(5);
    bad["claims"][2]["ref"] = json!("not a ref");
    bad["claims"][4]["cue"] = json!("  ");
    bad["sources"][1]["on_record"] = json!(true);
    let file = write_json(&s, "bad-values.json", &bad);
    for msg in [
        "(4 problems; nothing was written)",
        "/claims/1 (ref \"wasiq-led\"): field \"proposition\": must be a string, not 5",
        "/claims/2 (ref \"not a ref\"): field \"ref\": \"not a ref\" is not a ref: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ": field \"cue\": must hold more than spaces",
        "/sources/1 (ref \"afghan-officials\"): field \"on_record\": must be false for a source of kind \"anonymous_group\"",
    ] {
        refused(import(&file), msg);
    }
    let file = write_json(&s, "empty-claims.json", &json!({"claims": []}));
    refused(
        import(&file),
        "/: field \"claims\": must hold at least one entry",
    );
    let file = write_json(&s, "no-claims.json", &json!({"sources": []}));
    refused(import(&file), "/: missing field \"claims\"");
    let file = s.root().join("not-json.json");
    std::fs::write(&file, "{ \"claims\": [").unwrap();
    refused(import(file.to_str().unwrap()), "not-json.json is not JSON");

    // Unknown refs, duplicate refs, quotes absent or ambiguous: all listed.
    let mut bad = sample_import();
    bad["claims"][2]["source"] = json!("diplomatic-source");
    bad["claims"][8]["relayed_by"] = json!("sunday-guardian");
    bad["claims"][1]["ref"] = json!("deadlock");
    bad["sources"][2]["ref"] = json!("afghan-officials");
    bad["claims"][4]["exact"] = json!("talks in Geneva");
    bad["claims"][6]["exact"] = json!("Afghan negotiators");
    let file = write_json(&s, "bad-refs.json", &bad);
    for msg in [
        "bad-refs.json cannot be imported (8 problems; nothing was written)",
        "/claims/2/source: \"diplomatic-source\" is not a source ref of this file",
        "/claims/8/relayed_by: \"sunday-guardian\" is not a source ref of this file",
        "/claims/1/ref: \"deadlock\" is already the ref of /claims/0",
        "/sources/2/ref: \"afghan-officials\" is already the ref of /sources/1",
        "/claims/4/exact: \"talks in Geneva\" does not occur in the article text",
        "/claims/6/exact: \"Afghan negotiators\" occurs 2 times",
        // The ref that the duplicate replaced is gone.
        "/claims/6/source: \"kabul-source\" is not a source ref of this file",
        "/claims/13/source: \"kabul-source\" is not a source ref of this file",
    ] {
        refused(import(&file), msg);
    }

    // Passing the schema but not the rules: the refused entry is named by
    // its pointer and ref, and the whole batch is refused.
    let mut bad = sample_import();
    bad["claims"][10]["quote"] = json!("irresponsible and uncooperative");
    let file = write_json(&s, "bad-rules.json", &bad);
    refused(
        import(&file),
        "/claims/10 (ref \"mujahid-accused\"): claim.record refused: attribution.quote does not occur in anchor.exact",
    );
    refused(import(&file), "nothing was written");

    // The same file again: every claim is recorded already (the seeded
    // ledger imported it), so nothing is written.
    let again: Vec<String> = import(sample("claims-v1.json").to_str().unwrap());
    refused(
        again.clone(),
        &format!(
            "claims-v1.json cannot be imported (1 problem; nothing was written):\n  /claims: every claim of this file is already recorded in article {} (version 1), as claims {} to {}: the file was imported before",
            &s.v1[..12],
            &s.claim("deadlock")[..12],
            &s.claim("mujahid-sovereignty")[..12]
        ),
    );
    // Some claims recorded already: each is named, with the claim it repeats.
    let mut some = sample_import();
    let original =
        serde_json::from_str::<Value>(&std::fs::read_to_string(sample("claims-v1.json")).unwrap())
            .unwrap();
    some["claims"][3] = original["claims"][3].clone();
    some["claims"][7] = original["claims"][7].clone();
    // A claim given twice in the file.
    some["claims"][9]["proposition"] = some["claims"][10]["proposition"].clone();
    some["claims"][9]["exact"] = some["claims"][10]["exact"].clone();
    let file = write_json(&s, "some-again.json", &some);
    for msg in [
        "some-again.json cannot be imported (3 problems; nothing was written)",
        &format!(
            "\n  /claims/3: claim \"joint-statement-optimism\" is already recorded as claim {} (the same proposition at the same passage of this article version)",
            &s.claim("joint-statement-optimism")[..12]
        ),
        &format!(
            "\n  /claims/7: claim \"new-headache\" is already recorded as claim {} (the same proposition at the same passage of this article version)",
            &s.claim("new-headache")[..12]
        ),
        "\n  /claims/10: claim \"mujahid-accused\" has the same proposition at the same passage as /claims/9: keep one",
    ] {
        refused(import(&file), msg);
    }

    // Sources already in the ledger may be named by id.
    let claims = json!({"claims": [{
        "ref": "soil",
        "proposition": "Mujahid reaffirmed Kabul's resolve to defend its sovereignty.",
        "exact": "reaffirmed Kabul’s resolve to defend its sovereignty",
        "source": &s.source("mujahid")[..10],
        "cue": "reaffirmed"
    }]});
    let file = write_json(&s, "by-id.json", &claims);
    let out = s.json(&["claim", "import", &file, "--article", &s.v1, "--key", &eda]);
    assert_eq!(out.as_array().unwrap().len(), 1);
    s.assert_audit_clean();
}

#[test]
fn revise_retract_and_link_refusals() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let v2 = s.update_article();
    s.revise(
        "deadlock",
        &["--article", &v2, "--reason", "article_updated"],
    );
    // Back to an older article version.
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("deadlock"),
            "--article",
            &s.v1[..12],
            "--reason",
            "correction",
            "--key",
            &eda,
        ],
        1,
        &format!(
            "claim.revise refused: article {} is version 1, older than version 2 that claim {}'s current revision reads",
            &s.v1[..12],
            &s.claim("deadlock")[..12]
        ),
    );
    // The passage changed in v2 and no new quote was given.
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("new-headache"),
            "--reason",
            "article_updated",
            "--key",
            &eda,
        ],
        1,
        "the claim's current passage is not in this version; give its new wording with --quote",
    );
    // Nothing would change.
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("deadlock"),
            "--reason",
            "error",
            "--key",
            &eda,
        ],
        1,
        "nothing to revise",
    );
    // --removed takes no new content.
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("phone-call"),
            "--removed",
            "--quote",
            "x",
            "--reason",
            "article_updated",
            "--key",
            &eda,
        ],
        2,
        "cannot be used with",
    );
    // Removing within the version the claim reads is not how to take it back.
    s.refused(
        &[
            "claim",
            "revise",
            s.claim("phone-call"),
            "--article",
            &s.v1,
            "--removed",
            "--reason",
            "error",
            "--key",
            &eda,
        ],
        1,
        "to take back a claim recorded in error, retract it",
    );
    // Retracting twice.
    s.ok(&[
        "claim",
        "retract",
        s.claim("malik-led"),
        "--reason",
        "duplicate",
        "--key",
        &eda,
    ]);
    s.refused(
        &[
            "claim",
            "retract",
            s.claim("malik-led"),
            "--reason",
            "again",
            "--key",
            &eda,
        ],
        1,
        "is already retracted",
    );
    // Linking a claim to itself, or to something that is not a claim.
    s.refused(
        &[
            "link",
            s.claim("wasiq-led"),
            s.claim("wasiq-led"),
            "--relation",
            "corroborates",
            "--key",
            &eda,
        ],
        1,
        "claim.link refused",
    );
    s.refused(
        &[
            "link",
            s.claim("wasiq-led"),
            &s.v1[..12],
            "--relation",
            "corroborates",
            "--key",
            &eda,
        ],
        4,
        "is an article.record, not a claim.record",
    );
    // Updating an article with the same text.
    s.refused(
        &[
            "article",
            "update",
            &s.v1,
            sample("article-v2-illustrative.txt").to_str().unwrap(),
            "--key",
            &eda,
        ],
        1,
        "content is the same as that of the version it supersedes",
    );
    s.assert_audit_clean();
}

/// A refused article record leaves no trace: its text is not stored in
/// `blobs/` (which is published with the ledger) unless the record is
/// admitted.
#[test]
fn a_refused_article_stores_no_text() {
    let s = Seeded::new();
    let draft = s.root().join("unpublished-draft.txt");
    std::fs::write(&draft, "An unpublished draft that must not leak.").unwrap();
    let chloe = s.key("chloe");
    let r = s.refused(
        &[
            "article",
            "add",
            draft.to_str().unwrap(),
            "--url",
            "https://news.example/draft",
            "--publisher",
            "News",
            "--title",
            "Draft",
            "--key",
            &chloe,
        ],
        1,
        "has no role that may sign article.record (needs editor)",
    );
    let digest = provledger::digest::Digest::of(&std::fs::read(&draft).unwrap());
    assert!(
        !s.ledger_files()
            .keys()
            .any(|k| k.contains(&digest.to_hex())),
        "the refused draft's text was stored:\n{}",
        r.stderr
    );
    // Admitted by an editor, the text is stored.
    let eda = s.key("eda");
    s.run(&[
        "article",
        "add",
        draft.to_str().unwrap(),
        "--url",
        "https://news.example/draft",
        "--publisher",
        "News",
        "--title",
        "Draft",
        "--key",
        &eda,
    ]);
    assert!(s
        .ledger_files()
        .keys()
        .any(|k| k.contains(&digest.to_hex())));
    s.assert_audit_clean();
}

#[test]
fn the_same_article_text_at_the_same_url_is_refused() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let v1 = sample("article-v1.txt").display().to_string();
    let url = "https://www.sundayguardianlive.com/world/afghan-pakistan-talks-istanbul";
    let add = |url: &str| {
        vec![
            "article",
            "add",
            &v1,
            "--url",
            url,
            "--publisher",
            "Another",
            "--title",
            "Another",
            "--key",
            &eda,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<String>>()
    };
    let args = add(url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.refused(
        &args,
        1,
        &format!(
            "provledger: error: this text of {url} is already recorded as article {} (version 1); nothing was written",
            &s.v1[..12]
        ),
    );
    // The same text at another url is another publication.
    let args = add("https://mirror.example/talks");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = s.json(&args);
    assert_ne!(r[0]["id"].as_str().unwrap(), s.v1);
    s.assert_audit_clean();
}

#[test]
fn revising_a_passage_that_occurs_twice_says_how_to_pick_one() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let passage =
        "the latest round of talks in Istanbul ending in deadlock despite mediation by Türkiye and Qatar";
    let mut text = std::fs::read_to_string(sample("article-v1.txt")).unwrap();
    text.push_str(&format!("\nUpdate: {passage}, again.\n"));
    let file = s.root().join("v2-twice.txt");
    std::fs::write(&file, &text).unwrap();
    let v2 = s.json(&[
        "article",
        "update",
        &s.v1,
        file.to_str().unwrap(),
        "--key",
        &eda,
    ])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let revise = |extra: &[&str]| {
        let mut v = vec![
            "claim",
            "revise",
            s.claim("deadlock"),
            "--reason",
            "article_updated",
            "--key",
            &eda,
        ];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect::<Vec<String>>()
    };
    let args = revise(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = s.refused(
        &args,
        1,
        &format!(
            "the claim's current passage occurs 2 times in article {} (version 2): ",
            &v2[..12]
        ),
    );
    assert!(
        r.stderr.contains(
            "; pick one with --prefix TEXT (the text just before it) or --suffix TEXT (the text just after it), or give a longer --quote"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not in this version"), "{}", r.stderr);
    // A context that matches neither occurrence.
    let args = revise(&["--suffix", ", never"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.refused(
        &args,
        1,
        &format!(
            "cannot anchor the quote in article {} (version 2) with the given --prefix/--suffix: ",
            &v2[..12]
        ),
    );
    // The suffix picks the second occurrence.
    let args = revise(&["--suffix", ", again"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let revision = s.json(&args)[0]["id"].as_str().unwrap().to_string();
    let shown = s.json(&["show", &revision]);
    let anchor = &shown["body"]["change"]["anchor"];
    assert_eq!(anchor["exact"], passage, "{shown}");
    assert!(
        anchor["suffix"].as_str().unwrap().starts_with(", again."),
        "{shown}"
    );
    assert!(
        anchor["prefix"].as_str().unwrap().ends_with("Update: "),
        "{shown}"
    );
    s.assert_audit_clean();
}

#[test]
fn the_same_claim_added_twice_is_refused() {
    let s = Seeded::new();
    let eda = s.key("eda");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("claims-v1.json")).unwrap()).unwrap();
    let deadlock = &file["claims"][0];
    let add = |proposition: &str| {
        vec![
            "claim",
            "add",
            &s.v1,
            "--quote",
            deadlock["exact"].as_str().unwrap(),
            "--proposition",
            proposition,
            "--key",
            &eda,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<String>>()
    };
    let mut args = add(deadlock["proposition"].as_str().unwrap());
    args.insert(2, "--article".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.refused(
        &args,
        1,
        &format!(
            "provledger: error: this claim is already recorded as claim {} (the same proposition at the same passage of this article version); nothing was written",
            &s.claim("deadlock")[..12]
        ),
    );
    // Another proposition at the same passage is another claim.
    let mut args = add("The talks ended without agreement.");
    args.insert(2, "--article".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.json(&args);
    s.assert_audit_clean();
}

#[test]
fn a_claim_whose_text_moved_to_a_later_version_is_still_a_repeat_of_its_first() {
    // The claim now reads version 2; its first revision read version 1, so
    // recording it again in version 1 (by import or by hand) is a repeat.
    let s = Seeded::new();
    s.update_article();
    s.revise("deadlock", &["--reason", "article_updated"]);
    let before = s.json(&["claims"]).as_array().unwrap().len();
    let import: Vec<String> = [
        "claim",
        "import",
        sample("claims-v1.json").to_str().unwrap(),
        "--article",
        &s.v1,
        "--key",
        &s.key("eda"),
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let args: Vec<&str> = import.iter().map(String::as_str).collect();
    s.refused(
        &args,
        1,
        &format!(
            "/claims: every claim of this file is already recorded in article {} (version 1)",
            &s.v1[..12]
        ),
    );
    assert_eq!(s.json(&["claims"]).as_array().unwrap().len(), before);
    s.assert_audit_clean();
}

#[test]
fn a_reader_does_not_keep_an_article_text_after_its_blob_is_damaged() {
    // The verified-text cache lives for one batch: a long-lived reader (an
    // HTTP server) reads the blob again and sees the damage.
    let s = Seeded::new();
    let l = provledger::ledger::Ledger::open(&s.ledger()).unwrap();
    let v1 = l.resolve(&s.v1, &[]).unwrap().id;
    let text = std::fs::read(sample("article-v1.txt")).unwrap();
    assert_eq!(l.article_text(&v1).unwrap().as_str().as_bytes(), text);
    let blob = crate::common::walk(&s.ledger().join("blobs"), |_| false)
        .into_iter()
        .map(|(_, p)| p)
        .find(|p| std::fs::read(p).unwrap() == text)
        .expect("the v1 text is a blob");
    crate::common::flip_byte(&blob, 10);
    let e = match l.article_text(&v1) {
        Ok(_) => panic!("a damaged blob was served"),
        Err(e) => provledger::error::chain(&e),
    };
    assert!(
        e.starts_with("blob store: blob ") && e.contains(" is corrupt: its content hashes to "),
        "{e}"
    );
}

#[test]
fn article_text_with_its_blob_missing_is_not_found() {
    let s = Seeded::new();
    let blobs = s.ledger().join("blobs");
    for d in std::fs::read_dir(&blobs).unwrap() {
        std::fs::remove_dir_all(d.unwrap().path()).unwrap();
    }
    let r = s.refused(&["article", "show", &s.v1, "--text"], 4, "");
    let blob = provledger::digest::Digest::of(&std::fs::read(sample("article-v1.txt")).unwrap());
    assert_eq!(
        r.stderr,
        format!(
            "provledger: error: the text of article {} (blob {}) is not in the blob store\n",
            &s.v1[..12],
            &blob.to_hex()[..12]
        )
    );
}

#[test]
fn an_article_text_file_that_is_empty_or_not_utf8_is_refused_naming_it() {
    let s = Seeded::new();
    let eda = s.key("eda");
    for (name, bytes, message) in [
        (
            "empty.txt",
            &b""[..],
            "empty.txt is empty; an article needs text",
        ),
        (
            "latin1.txt",
            &b"caf\xe9 talks"[..],
            "latin1.txt is not UTF-8 text (invalid byte at offset 3); convert it first",
        ),
    ] {
        std::fs::write(s.root().join(name), bytes).unwrap();
        s.refused(
            &[
                "article",
                "add",
                name,
                "--url",
                "https://example.org/a",
                "--publisher",
                "Example",
                "--title",
                "A",
                "--key",
                &eda,
            ],
            1,
            message,
        )
        .error(1, message);
    }
}
