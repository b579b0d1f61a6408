#include "dsn/classify.hpp"

#include "dsn/reason_tables.hpp"
#include "dsn/rhost.hpp"
#include "dsn/text.hpp"

namespace dsn::classify {
namespace {

bool status_matches(std::string_view pattern, std::string_view status) {
    if (pattern.size() >= 2 && pattern[0] == 'X' && pattern[1] == '.')
        return status.size() == pattern.size() && (status[0] == '4' || status[0] == '5') &&
               status.substr(1) == pattern.substr(1);
    return pattern == status;
}

}  // namespace

std::string_view reason_from_text(std::string_view text) {
    if (text.empty()) return {};
    for (const auto& entry : reason_phrases()) {
        if (text::icontains(text, entry.phrase)) return entry.reason;
    }
    return {};
}

std::string_view reason_from_status(std::string_view status) {
    for (const auto& entry : status_reasons()) {
        if (status_matches(entry.code, status)) return entry.reason;
    }
    return {};
}

bool is_known_reason(std::string_view reason) {
    for (auto known : all_reasons())
        if (known == reason) return true;
    return false;
}

BounceType type_for(std::string_view reason, std::string_view status, std::string_view reply_code) {
    if (reason == "feedback") return BounceType::complaint;
    if (reason == "notaccept") {
        // Null MX and 521/556 are permanent; the same words under a 4xx code are a passing state.
        char cls = !status.empty() ? status[0] : (!reply_code.empty() ? reply_code[0] : '5');
        return cls == '4' ? BounceType::soft : BounceType::hard;
    }
    for (auto hard : hard_reasons())
        if (hard == reason) return BounceType::hard;
    return BounceType::soft;
}

std::string decide_reason(const Evidence& e) {
    if (std::string_view by_host = rhost::reason_for(e); !by_host.empty()) return std::string(by_host);
    if (!e.dialect_reason.empty()) return std::string(e.dialect_reason);
    if (e.diagnostic_type == "x-unix") return "mailererror";
    if (std::string_view by_text = reason_from_text(e.diagnostic); !by_text.empty()) return std::string(by_text);
    if (std::string_view by_status = reason_from_status(e.status); !by_status.empty()) return std::string(by_status);
    if (e.action == "delayed") return "expired";
    // A failure at MAIL FROM is about the sender, whatever the wording.
    if (text::iequals(e.smtp_command, "MAIL")) return "rejected";
    return e.status.empty() && e.reply_code.empty() && e.diagnostic.empty() ? "undefined" : "onhold";
}

}  // namespace dsn::classify
