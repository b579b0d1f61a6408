#include "webhooks/reply_classification.hpp"

#include "dsn/classify.hpp"

namespace webhooks {

ReplyVerdict classify_reply(std::string_view reply, std::string_view status, std::string_view reply_code,
                            std::string_view remote_host, std::string_view recipient) {
    if (reply.empty() && status.empty()) return {};
    dsn::classify::Evidence evidence;
    evidence.diagnostic = reply;
    evidence.diagnostic_type = "smtp";
    evidence.status = status;
    evidence.reply_code = reply_code;
    evidence.action = "failed";
    evidence.remote_mta = remote_host;
    evidence.recipient = recipient;
    std::string reason = dsn::classify::decide_reason(evidence);
    // "undefined" and "onhold" are the classifier saying it does not know: the caller's own rule decides.
    if (reason.empty() || reason == "undefined" || reason == "onhold") return {};
    const auto type = dsn::classify::type_for(reason, status, reply_code);
    return {std::move(reason), type == dsn::BounceType::hard ? "hard" : "soft"};
}

}  // namespace webhooks
