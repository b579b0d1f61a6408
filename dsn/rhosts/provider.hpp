// Remote-host knowledge: what one receiving provider's replies mean. Each provider lives in its
// own file in this folder as data (host names, recipient domains, reply rules) plus, where the
// provider numbers its errors, a small reader for that number; dsn/rhost.cpp picks the provider.
#pragma once

#include "dsn/classify.hpp"

#include <span>
#include <string_view>

namespace dsn::rhost {

// One reply rule: when the enhanced status matches `status` (empty: any; "5.7.1" exact; "X.2.2"
// either class; "5.7.606-649" a range of details) and the lower-cased reply contains `phrase`
// (empty: anything), the reason is `reason`. Rules are tried in order; the first match wins.
struct ReplyRule {
    std::string_view status;
    std::string_view phrase;
    std::string_view reason;
};

// A code the provider writes into its replies ("AUP#CXBL", "IB607", "OFR_416") and its reason.
struct CodeReason {
    std::string_view code;
    std::string_view reason;
};

struct Provider {
    std::string_view name;
    std::span<const std::string_view> hosts;    // receiving MTA names: the name or any subdomain
    std::span<const std::string_view> domains;  // recipient domains (and subdomains) it hosts
    std::span<const std::string_view> markers;  // lower-case phrases only its replies contain
    std::string_view (*reason)(const classify::Evidence& evidence);
};

// The reason of the first rule that matches, or empty.
std::string_view first_rule(std::span<const ReplyRule> rules, const classify::Evidence& evidence);

// True when `status` fits the pattern described at ReplyRule::status.
bool status_fits(std::string_view pattern, std::string_view status);

// True when `name` is `suffix` or ends with "." + `suffix` (case-insensitive).
bool is_within(std::string_view name, std::string_view suffix);

// The reason listed for `code`, compared case-insensitively, or empty.
std::string_view reason_of_code(std::span<const CodeReason> table, std::string_view code);

// The token that follows `lower_prefix` in `text` (letters, digits, '-' and '_'), or empty.
std::string_view token_after(std::string_view text, std::string_view lower_prefix);

// The provider whose own reply phrases (markers) appear in `diagnostic`, or null; when several do,
// the first in dsn/rhost.cpp's table.
const Provider* provider_named_in(std::string_view diagnostic);

extern const Provider google;
extern const Provider microsoft;
extern const Provider yahoo;
extern const Provider apple;
extern const Provider cox;
extern const Provider spectrum;
extern const Provider godaddy;
extern const Provider franceptt;
extern const Provider tencent;
extern const Provider kddi;
extern const Provider nttdocomo;
extern const Provider iua;
extern const Provider mimecast;
extern const Provider zoho;
extern const Provider messagelabs;
extern const Provider cloudflare;

}  // namespace dsn::rhost
