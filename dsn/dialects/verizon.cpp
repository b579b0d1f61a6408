// Verizon Wireless gateways for SMS/MMS addresses:
// - MMS (sysadmin@...vzwpix.com, "MMSC NDR Administrator"): "Message could not be delivered to
//   mobile." and "Error: No valid recipients for this MM"; the recipient only in the quoted
//   "Original Message:" header lines.
// - SMS (post_master@vtext.com): "Error: Invalid user address", "Error message below:" with the
//   reply, and the envelope in "RCPT TO: address".
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

constexpr ProviderPhrase kVerizonPhrases[] = {
    {"no valid recipients for this mm", "userunknown"},
    {"invalid user address", "userunknown"},
};

// The value of the first "Name: value" line (after optional indentation) in `t`.
std::string_view field_line(std::string_view t, std::string_view lower_name_colon) {
    for (auto line : text::split_lines(t)) {
        std::string_view trimmed = text::trim(line);
        if (text::istarts_with(trimmed, lower_name_colon)) return text::trim(trimmed.substr(lower_name_colon.size()));
    }
    return {};
}

}  // namespace

bool verizon_matches(const Message& message) {
    // Subscribers' own SMS/MMS replies come from the same domains, from their phone numbers.
    return (from_domain(message, "vzwpix.com") || from_domain(message, "vtext.com")) &&
           from_system_account(message, {"sysadmin", "post_master"});
}

std::vector<Finding> verizon_decode(const Message& message) {
    std::string_view t = message.text;
    std::string recipient = address::normalize(field_line(t, "rcpt to:"));
    if (recipient.empty()) {
        std::size_t original = text::ifind(t, "original message:");
        if (original != std::string_view::npos) recipient = address::normalize(field_line(t.substr(original), "to:"));
    }
    if (recipient.empty()) return {};
    std::string diagnostic(field_line(t, "error:"));
    if (std::string below = paragraph_after(t, "error message below:"); !below.empty()) {
        if (!diagnostic.empty()) diagnostic.append(": ");
        diagnostic.append(below);
    }
    auto findings = findings_for({recipient}, diagnostic);
    for (auto& f : findings) f.reason = std::string(provider_reason(kVerizonPhrases, {f.diagnostic}));
    return findings;
}

}  // namespace dsn::dialects
