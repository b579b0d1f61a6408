// Helpers for the provider dialects (Google, Yahoo, Amazon, Japanese carriers ...): the small
// readings they share and that the MTA dialects do not need.
#pragma once

#include "dsn/finding.hpp"
#include "dsn/message.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dsn::dialects {

// The addresses of the X-Failed-Recipients header(s), normalized, without duplicates.
std::vector<std::string> failed_recipients_header(const Message& message);

// True when the From address is a mail system's (MAILER-DAEMON, postmaster, ...) or has one of
// `local_parts` as its local part: provider dialects must never read a person's mail, and people
// write from the same domains as the providers' bounce senders.
bool from_system_account(const Message& message, std::initializer_list<std::string_view> local_parts = {});

// True when the From address's domain is `domain` or one of its subdomains.
bool from_domain(const Message& message, std::string_view domain);

// The paragraph that follows the line containing `lower_marker` (the rest of that line after
// the marker, then the next non-empty lines up to a blank line), joined into one line.
std::string paragraph_after(std::string_view text, std::string_view lower_marker);

// A phrase that, found in a provider's own wording, names the reason.
struct ProviderPhrase {
    std::string_view phrase;  // lower case
    std::string_view reason;
};

// The reason of the first phrase found in any of `texts`, or empty.
std::string_view provider_reason(std::span<const ProviderPhrase> table, std::initializer_list<std::string_view> texts);

// One finding per address with the same diagnostic, completed from it (codes, command, host).
std::vector<Finding> findings_for(const std::vector<std::string>& recipients, const std::string& diagnostic);

// Reads the Exim-style list that Mail.ru, GMX, 1&1 and Zoho reuse: an address on a line of its
// own (bare, quoted, or followed by ':'), then the lines about it up to the next address: an
// "SMTP error from remote server after RCPT ..." stage line, "host[:] name [ip]: reply" and the
// reply itself. Reading starts after the line containing `lower_start` (whole text when empty).
std::vector<Finding> decode_address_blocks(std::string_view text, std::string_view lower_start);

}  // namespace dsn::dialects
