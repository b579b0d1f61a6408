// Which envelope recipients are bounce addresses. A message is captured only when at least one
// recipient matches; everything else is accepted before its body is transferred.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace milter {

// Strips surrounding whitespace and one pair of angle brackets and lowercases the result, so
// "<Bounces+X@Lists.Example.COM>" (smtpd) and "bounces+x@lists.example.com" (Postfix's own bounces,
// which arrive without brackets) compare equal.
std::string normalize_address(std::string_view raw);

class BounceScope {
public:
    // Entries are addresses ("bounces@lists.example.com") or whole domains ("@bounce.example.com").
    // Entries that are empty after normalization are ignored.
    explicit BounceScope(const std::vector<std::string>& bounce_addresses);

    // True when `recipient` is one of the bounce addresses, ignoring case and brackets, also when its
    // local part carries a "+tag" (VERP: bounces+<token>@...). The tag is cut at the first '+'.
    bool matches(std::string_view recipient) const;

    bool empty() const { return addresses_.empty() && domains_.empty(); }

private:
    std::vector<std::string> addresses_;  // normalized "local@domain"
    std::vector<std::string> domains_;    // normalized "domain" (from "@domain" entries)
};

}  // namespace milter
