// Failed recipients that a plain-text notice lists under its own words ("did not reach the
// following recipient(s):", "The following address(es) failed:", "was not delivered to:") or names
// in a quoted SMTP transcript (">>> RCPT To:<a@b>" answered by "<<< 550 ..."). One mechanism with
// tables of wording for the many MTAs and gateways that wrote such notices without any report part.
#pragma once

#include "dsn/finding.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dsn::listing {

// At most this many recipients come out of free text, whatever the input: a notice lists a few.
inline constexpr std::size_t kMaxRecipients = 100;

// True when one of the first lines of `text` (not quoted with '>') is a failure or delay heading.
bool has_failure_heading(std::string_view text);

// Recipients listed after failure headings and in transcripts, in order of appearance, without
// `not_recipients` (the sender side) and without the mail system's own addresses.
std::vector<Finding> find_listed_recipients(std::string_view text, const std::vector<std::string>& not_recipients);

}  // namespace dsn::listing
