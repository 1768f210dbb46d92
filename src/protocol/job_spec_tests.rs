//! Job specs: defaults, ranges, and reported specs naming what is wrong.

use super::*;

#[test]
fn every_kind_has_valid_defaults() {
    for kind in JobKind::ALL {
        let spec = JobSpec::default_for(kind);
        assert_eq!(spec.kind(), Some(kind));
        spec.validate().unwrap();
    }
}

#[test]
fn rejects_unknown_kinds_fields_and_absurd_sizes() {
    let err = serde_json::from_str::<JobSpec>(r#"{"kind":"mining"}"#).unwrap_err();
    assert!(err.to_string().contains("mining"), "{err}");
    assert!(serde_json::from_str::<JobSpec>(r#"{"kind":"percent","stepz":3}"#).is_err());
    let huge: JobSpec = serde_json::from_str(r#"{"kind":"percent","steps":1000000}"#).unwrap();
    assert!(huge.validate().unwrap_err().contains("`steps`"));
    let rate: JobSpec = serde_json::from_str(r#"{"kind":"batch","fail_rate":2}"#).unwrap();
    assert!(rate.validate().unwrap_err().contains("`fail_rate`"));
    let none: JobSpec = serde_json::from_str(r#"{"kind":"phases","phases":[]}"#).unwrap();
    assert!(none.validate().is_err());
}

#[test]
fn reported_specs_name_what_is_wrong() {
    let check = |json: &str| {
        serde_json::from_str::<JobSpec>(json)
            .map_err(|e| e.to_string())
            .and_then(|spec| spec.validate())
    };
    check(r#"{"kind":"reported","title":"Nightly import","total":1200}"#).unwrap();
    check(r#"{"kind":"reported","title":"Deploy","phases":[{"name":"build","weight":3},{"name":"ship"}]}"#).unwrap();
    check(r#"{"kind":"reported","title":"Backup"}"#).unwrap();
    for (json, field) in [
        (r#"{"kind":"reported"}"#, "title"),
        (r#"{"kind":"reported","title":" "}"#, "`title`"),
        (r#"{"kind":"reported","title":"t","total":0}"#, "`total`"),
        (
            r#"{"kind":"reported","title":"t","total":5,"phases":[{"name":"a"}]}"#,
            "not both",
        ),
        (
            r#"{"kind":"reported","title":"t","phases":[{"name":"a"},{"name":"a"}]}"#,
            "`phases[1].name`",
        ),
        (
            r#"{"kind":"reported","title":"t","phases":[{"name":"a","weight":0}]}"#,
            "`phases[0].weight`",
        ),
        (
            r#"{"kind":"reported","title":"t","steps":3}"#,
            "unknown field `steps`",
        ),
    ] {
        let error = check(json).unwrap_err();
        assert!(error.contains(field), "{json}: {error}");
    }
}
