// E-mail address recognition: turning the many ways bounces write an address into one
// lowercased bare addr-spec, and finding addresses in free text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dsn::address {

// "rfc822; <User@Example.COM>", "Name <a@b>", "<a@b>...", "a@b (comment)" -> "user@example.com".
// Returns empty when no plausible address is present.
std::string normalize(std::string_view raw);

// True for a plausible addr-spec: local@domain with a dotted or bracketed domain, no spaces.
bool is_plausible(std::string_view addr);

// Every plausible address in `text`, normalized, in order of appearance, without duplicates.
std::vector<std::string> find_all(std::string_view text);

// The first plausible address in `text`, or empty.
std::string find_first(std::string_view text);

// Addresses of the mail system itself (MAILER-DAEMON, postmaster, ...), never a bounced recipient
// when found in free text.
bool is_mailer_daemon(std::string_view addr);

// 8-4-4-4-12 hexadecimal, either case.
bool is_uuid(std::string_view s);

}  // namespace dsn::address
