// Outlook.com / Hotmail as the sending system: from postmaster@ a hotmail or outlook domain with
// `X-DSNContext` / `X-OriginalArrivalTime`, subject "Delivery Status Notification (Failure)", a
// standard RFC 3464 report. Its gateway rewrites some remote answers into fixed sentences, which
// this table names.
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"

namespace dsn::dialects {
namespace {

constexpr PhraseReason kOutlookAnswers[] = {
    {"requested action not taken: mailbox unavailable", "userunknown"},
    {"mismatches client ip", "requireptr"},
};

}  // namespace

bool outlook_matches(const Message& message) {
    if (message.headers.has("X-DSNContext")) return true;
    return from_mailer_daemon(message) && text::icontains(message.from, "hotmail");
}

std::vector<Finding> outlook_decode(const Message& message) {
    auto findings = decode_rfc3464(message);
    for (auto& f : findings) f.reason = std::string(reason_by_phrase(f.diagnostic, kOutlookAnswers));
    return findings;
}

}  // namespace dsn::dialects
