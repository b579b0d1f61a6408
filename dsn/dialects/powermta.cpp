// PowerMTA: a standard RFC 3464 report whose groups carry `X-PowerMTA-VirtualMTA` and, per
// recipient, `X-PowerMTA-BounceCategory` (PowerMTA's own classification of the remote reply).
// The generic decoder reads the report; this file turns the category into a reason.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/fields.hpp"

namespace dsn::dialects {
namespace {

constexpr PhraseReason kBounceCategories[] = {
    {"bad-mailbox", "userunknown"},      {"bad-domain", "hostunknown"},
    {"inactive-mailbox", "suspend"},     {"quota-issues", "mailboxfull"},
    {"message-expired", "expired"},      {"no-answer-from-host", "networkerror"},
    {"bad-connection", "networkerror"},  {"routing-errors", "systemerror"},
    {"bad-configuration", "systemerror"}, {"content-related", "contenterror"},
    {"spam-related", "spamdetected"},    {"virus-related", "virusdetected"},
    {"policy-related", "policyviolation"}, {"relaying-issues", "norelaying"},
    {"invalid-sender", "rejected"},      {"protocol-errors", "syntaxerror"},
};

bool has_powermta_fields(std::string_view report) { return text::icontains(report, "x-powermta-"); }

}  // namespace

bool powermta_matches(const Message& message) {
    for (const auto& report : message.delivery_status)
        if (has_powermta_fields(report.substr(0, 1024))) return true;
    return false;
}

std::vector<Finding> powermta_decode(const Message& message) {
    std::vector<Finding> findings;
    for (const auto& report : message.delivery_status) {
        for (const auto& group : parse_field_groups(report)) {
            std::string recipient = address::normalize(group.get("Final-Recipient"));
            std::string_view category = text::trim(group.get("X-PowerMTA-BounceCategory"));
            if (recipient.empty() || category.empty()) continue;
            Finding f;
            f.recipient = std::move(recipient);
            for (const auto& entry : kBounceCategories)
                if (text::iequals(category, entry.phrase)) f.reason = std::string(entry.reason);
            findings.push_back(std::move(f));
        }
    }
    return findings;
}

}  // namespace dsn::dialects
