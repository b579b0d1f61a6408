// Complaints: RFC 5965 feedback reports, Microsoft's JMRP reports (a returned message carrying
// X-HmXmrOriginalRecipient, no feedback part) and Apple Mail's one-click unsubscribe mails. Each is
// read with its feedback type; is_subscriber_complaint() tells which types are complaints to act on.
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/fields.hpp"
#include "dsn/report.hpp"
#include "dsn/text.hpp"

namespace dsn {
namespace {

Finding complaint(std::string recipient, std::string_view feedback_type) {
    Finding f;
    f.recipient = std::move(recipient);
    f.action = "failed";
    f.reason = "feedback";
    f.feedback_type = text::to_lower(text::trim(feedback_type));
    return f;
}

}  // namespace

bool is_subscriber_complaint(std::string_view feedback_type) noexcept {
    return feedback_type == "abuse" || feedback_type == "fraud" || feedback_type == "other";
}

std::vector<Finding> decode_arf(const Message& message) {
    std::vector<Finding> findings;
    for (const auto& report : message.feedback_reports) {
        Fields fields = parse_fields(report);
        std::string_view type = fields.get("Feedback-Type");
        for (auto rcpt : fields.get_all("Original-Rcpt-To")) {
            std::string addr = address::normalize(rcpt);
            if (!addr.empty()) findings.push_back(complaint(std::move(addr), type));
        }
        if (findings.empty()) {
            // Without Original-Rcpt-To the complainant is the returned message's recipient, when
            // that header names a real address ("Undisclosed Recipients" does not).
            std::string addr = address::normalize(message.returned_headers.get("To"));
            if (!addr.empty()) findings.push_back(complaint(std::move(addr), type));
        }
    }
    if (!findings.empty() || !message.feedback_reports.empty()) return findings;

    if (std::string_view jmrp = message.returned_headers.get("X-HmXmrOriginalRecipient"); !jmrp.empty()) {
        std::string addr = address::normalize(jmrp);
        if (!addr.empty()) findings.push_back(complaint(std::move(addr), "abuse"));
        return findings;
    }
    if (text::iequals(text::trim(message.header("X-Apple-Unsubscribe")), "true")) {
        std::string addr = address::normalize(message.header("From"));
        if (!addr.empty()) findings.push_back(complaint(std::move(addr), "opt-out"));
    }
    return findings;
}

}  // namespace dsn
