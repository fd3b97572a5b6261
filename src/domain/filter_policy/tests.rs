//! One reading per operator AWS documents for SNS filter policies.

use super::*;

fn read(policy: &str) -> String {
    summary(&serde_json::from_str(policy).expect("json"))
}

#[test]
fn exact_values_are_listed_once_with_their_key() {
    assert_eq!(
        read(r#"{"type":["order_placed","order_updated"]}"#),
        "type=order_placed|order_updated"
    );
    assert_eq!(
        read(r#"{"count":[5, 1.5],"flag":[true],"gone":[null]}"#),
        "count=5|1.5 flag=true gone=null"
    );
    // Values that would read as this notation's separators are quoted.
    assert_eq!(
        read(r#"{"name":["a b","x|y",""]}"#),
        r#"name="a b"|"x|y"|"""#
    );
}

#[test]
fn numeric_comparisons_and_ranges_keep_their_operators() {
    assert_eq!(
        read(r#"{"price_usd":[{"numeric":[">=",100]}]}"#),
        "price_usd>=100"
    );
    assert_eq!(
        read(r#"{"size":[{"numeric":[">",0,"<=",5]}]}"#),
        "size>0,<=5"
    );
    assert_eq!(read(r#"{"n":[{"numeric":["=",3]}]}"#), "n=3");
    assert_eq!(
        read(r#"{"n":[{"numeric":["<",1.5]},{"numeric":[">",10]}]}"#),
        "n<1.5|>10"
    );
}

#[test]
fn string_matchers_read_as_patterns() {
    assert_eq!(read(r#"{"name":[{"prefix":"img-"}]}"#), "name=img-*");
    assert_eq!(read(r#"{"file":[{"suffix":".png"}]}"#), "file=*.png");
    assert_eq!(read(r#"{"path":[{"wildcard":"a*/b*"}]}"#), "path=a*/b*");
    assert_eq!(
        read(r#"{"tier":[{"equals-ignore-case":"GOLD"}]}"#),
        "tier~=GOLD"
    );
    assert_eq!(read(r#"{"kind":["x",{"prefix":"y"}]}"#), "kind=x|y*");
}

#[test]
fn anything_but_negates_each_form() {
    assert_eq!(read(r#"{"color":[{"anything-but":"red"}]}"#), "color!=red");
    assert_eq!(
        read(r#"{"color":[{"anything-but":["red","blue"]}]}"#),
        "color!=(red|blue)"
    );
    assert_eq!(read(r#"{"n":[{"anything-but":[1,2]}]}"#), "n!=(1|2)");
    assert_eq!(
        read(r#"{"name":[{"anything-but":{"prefix":"test-"}}]}"#),
        "name!=test-*"
    );
    assert_eq!(
        read(r#"{"file":[{"anything-but":{"suffix":".tmp"}}]}"#),
        "file!=*.tmp"
    );
    assert_eq!(
        read(r#"{"tier":[{"anything-but":{"equals-ignore-case":"free"}}]}"#),
        "tier!~=free"
    );
    assert_eq!(
        read(r#"{"path":[{"anything-but":{"wildcard":"tmp/*"}}]}"#),
        "path!=tmp/*"
    );
    assert_eq!(
        read(r#"{"n":[{"anything-but":{"numeric":[">",5]}}]}"#),
        "n!>5"
    );
}

#[test]
fn exists_and_cidr_read_as_words() {
    assert_eq!(read(r#"{"coupon":[{"exists":true}]}"#), "coupon exists");
    assert_eq!(read(r#"{"coupon":[{"exists":false}]}"#), "coupon absent");
    assert_eq!(
        read(r#"{"ip":[{"cidr":"10.0.0.0/24"},{"cidr":"10.1.0.0/16"}]}"#),
        "ip in 10.0.0.0/24|in 10.1.0.0/16"
    );
}

#[test]
fn nested_keys_read_as_paths_and_or_as_or() {
    assert_eq!(
        read(r#"{"customer":{"tier":["gold"],"address":{"country":["FR"]}}}"#),
        "customer.address.country=FR customer.tier=gold"
    );
    assert_eq!(
        read(r#"{"$or":[{"a":["1"]},{"b":[{"numeric":[">",2]}]}]}"#),
        "(a=1 or b>2)"
    );
    assert_eq!(
        read(r#"{"kind":["x"],"$or":[{"a":["1"],"c":["3"]},{"b":["2"]}]}"#),
        "((a=1 c=3) or b=2) kind=x"
    );
    assert_eq!(
        read(r#"{"order":{"$or":[{"total":[{"numeric":[">",9]}]},{"vip":[true]}]}}"#),
        "(order.total>9 or order.vip=true)"
    );
}

#[test]
fn the_body_scope_is_shown() {
    let policy = serde_json::json!({"price_usd": [{"numeric": [">=", 100]}]});
    assert_eq!(
        filter_label(&policy, Some("MessageBody")),
        "body: price_usd>=100"
    );
    assert_eq!(
        filter_label(&policy, Some("MessageAttributes")),
        "price_usd>=100"
    );
    assert_eq!(filter_label(&policy, None), "price_usd>=100");
}

#[test]
fn what_it_does_not_know_it_shows_as_json() {
    assert_eq!(read(r#"{"a":[{"future-op":1}]}"#), r#"a:{"future-op":1}"#);
    assert_eq!(read(r#"{"a":"x"}"#), r#"a:"x""#);
    assert_eq!(read(r#"["x"]"#), r#"["x"]"#);
}

#[test]
fn quotes_inside_a_quoted_value_are_escaped() {
    assert_eq!(read(r#"{"q":["say \"hi\""]}"#), r#"q="say \"hi\"""#);
}
