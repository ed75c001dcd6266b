# Sourced (from the repository's root) by the CLI benches: the ledger they
# measure, built in the current directory.
#
#   long_article N                 # article.txt, article-v2.txt, claims.json
#   long_ledger_base BIN           # ./ledger with editor eda and checker cem,
#                                  # article.txt added; sets $article
#   long_ledger BIN N VERDICTS     # both, then the N claims imported and a
#                                  # verdict by cem on each of the first VERDICTS
long_article_py=$PWD/benches/long-article.py

long_article() {
    python3 "$long_article_py" "$1" .
}

long_ledger_base() {
    b=$1
    $b --ledger ledger init --origin bench.example/ledger >/dev/null 2>&1
    for who in eda cem; do $b key generate $who --out . >/dev/null 2>&1; done
    $b --ledger ledger key grant eda.pub --role editor --display-name "Eda Editor" >/dev/null 2>&1
    $b --ledger ledger key grant cem.pub --role checker --display-name "Cem Checker" >/dev/null 2>&1
    $b --ledger ledger article add article.txt --url https://bench.example/long \
        --publisher Bench --title "A long article" --key eda.key >/dev/null 2>&1
    article=$($b --ledger ledger article list --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["versions"][0]["id"])')
}

long_ledger() {
    b=$1
    long_article "$2"
    long_ledger_base "$b"
    $b --ledger ledger claim import claims.json --article "$article" --key eda.key >/dev/null 2>&1
    first=""
    if [ "$3" -gt 0 ]; then
        for c in $($b --ledger ledger claims --limit "$3" --json |
            python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]'); do
            [ -n "$first" ] || first=$c
            $b --ledger ledger verify "$c" --verdict true --key cem.key >/dev/null 2>&1
        done
    fi
}
