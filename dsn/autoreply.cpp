// RFC 3834 auto-replies (vacation, out-of-office, challenge-response). Asked only after every
// bounce decoder came up empty, because many real DSNs also say "Auto-Submitted: auto-replied".
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/text.hpp"

namespace dsn {
namespace {

// Subject prefixes of auto-replies in the languages seen on list traffic.
constexpr std::string_view kAutoReplySubjects[] = {
    "auto:", "automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "autoresponse",
    "auto-response", "out of office", "out of the office", "vacation", "away from", "abwesenheit",
    "automatische antwort", "réponse automatique", "reponse automatique", "respuesta automática",
    "risposta automatica", "automatisch antwoord", "自動応答", "自動返信", "不在",
};

constexpr std::string_view kChallengeSubjects[] = {"please confirm your message", "verify your email",
                                                    "approval required", "guest list", "boxbe"};

}  // namespace

bool has_auto_reply_subject(const Message& message) {
    for (auto prefix : kAutoReplySubjects)
        if (text::icontains(message.subject, prefix)) return true;
    for (auto phrase : kChallengeSubjects)
        if (text::icontains(message.subject, phrase)) return true;
    return false;
}

bool is_auto_reply(const Message& message) {
    std::string_view auto_submitted = text::trim(message.header("Auto-Submitted"));
    if (text::istarts_with(auto_submitted, "auto-replied") || text::istarts_with(auto_submitted, "auto-notified"))
        return true;
    if (message.headers.has("X-Autoreply") || message.headers.has("X-Autorespond") ||
        text::iequals(text::trim(message.header("X-Apple-Action")), "vacation"))
        return true;
    std::string_view precedence = text::trim(message.header("Precedence"));
    if (text::iequals(precedence, "auto_reply")) return true;
    return has_auto_reply_subject(message);
}

}  // namespace dsn
