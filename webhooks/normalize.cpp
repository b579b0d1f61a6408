#include "webhooks/normalize.hpp"

#include "dsn/receivers.hpp"

#include <cctype>

#include "forwarder/validate.hpp"
#include "webhooks/address.hpp"
#include "webhooks/timestamps.hpp"

namespace webhooks {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Postgres JSONB rejects U+0000, and listmonk drops the whole bounce when the insert fails.
void strip_nul(nlohmann::json& value) {
    if (value.is_string()) {
        auto& s = value.get_ref<std::string&>();
        std::erase(s, '\0');
    } else if (value.is_structured()) {
        if (value.is_object()) {
            nlohmann::json cleaned = nlohmann::json::object();
            for (auto& [k, v] : value.items()) {
                std::string key = k;
                std::erase(key, '\0');
                strip_nul(v);
                cleaned[key] = std::move(v);
            }
            value = std::move(cleaned);
        } else {
            for (auto& v : value) strip_nul(v);
        }
    }
}

}  // namespace

Diagnostics diagnostics_from_text(std::string_view text) {
    Diagnostics d;
    d.diagnostic = std::string(text);
    // Enhanced status: [245].d{1,3}.d{1,3}, not part of a longer number or dotted quad.
    for (std::size_t i = 0; i + 4 < text.size() + 1 && d.status.empty(); ++i) {
        const char c = text[i];
        if ((c != '2' && c != '4' && c != '5') || (i > 0 && (is_digit(text[i - 1]) || text[i - 1] == '.'))) continue;
        if (i + 1 >= text.size() || text[i + 1] != '.') continue;
        std::size_t j = i + 2, n = 0;
        while (j < text.size() && is_digit(text[j]) && n < 3) ++j, ++n;
        if (n == 0 || j >= text.size() || text[j] != '.') continue;
        std::size_t k = j + 1, m = 0;
        while (k < text.size() && is_digit(text[k]) && m < 3) ++k, ++m;
        if (m == 0 || (k < text.size() && (is_digit(text[k]) || text[k] == '.'))) continue;
        d.status = std::string(text.substr(i, k - i));
    }
    // Reply code: a three-digit [245]xx word, typically after "smtp;".
    for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
        if ((text[i] == '2' || text[i] == '4' || text[i] == '5') && is_digit(text[i + 1]) && is_digit(text[i + 2]) &&
            (i == 0 || !(is_digit(text[i - 1]) || text[i - 1] == '.')) &&
            (i + 3 == text.size() || text[i + 3] == ' ' || text[i + 3] == '-')) {
            d.reply_code = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
            break;
        }
    }
    return d;
}

std::optional<forwarder::Event> make_event(EventFields f, std::int64_t now) {
    auto email = bare_address(f.recipient);
    if (!email) return std::nullopt;
    std::string subscriber = uuid_or_empty(f.subscriber);
    // The listmonk sink sends only what listmonk accepts (forwarder::is_bare_email: ASCII addr-specs);
    // an event it could not send is refused here, where the provider still hears about it, rather than
    // stored and dead-lettered. With a subscriber UUID listmonk needs no address.
    if (subscriber.empty() && !forwarder::is_bare_email(*email)) return std::nullopt;
    forwarder::Event e;
    e.idempotency_key = std::string(f.source) + ":" + f.idempotency_key;
    e.email = std::move(*email);
    e.campaign_uuid = uuid_or_empty(f.campaign);
    e.subscriber_uuid = std::move(subscriber);
    e.type = std::string(f.type);
    e.source = std::string(f.source);
    e.created_at = f.created_at.empty() ? rfc3339_utc(now) : std::move(f.created_at);
    nlohmann::json meta = nlohmann::json::object();
    if (!f.diagnostics.status.empty()) meta["status"] = f.diagnostics.status;
    if (f.diagnostics.reply_code != 0) meta["reply_code"] = std::to_string(f.diagnostics.reply_code);  // a string, as from the milter
    if (!f.diagnostics.reason.empty()) meta["reason"] = f.diagnostics.reason;
    if (!f.diagnostics.diagnostic.empty()) meta["diagnostic"] = f.diagnostics.diagnostic;
    // Webhooks name no receiving host: the recipient's domain and the reply's wording tell the family.
    meta["receiver"] = std::string(dsn::receivers::receiver_of({}, e.email, f.diagnostics.diagnostic));
    meta["provider"] = std::string(f.source);
    meta["payload"] = std::move(f.payload);
    strip_nul(meta);
    e.meta = std::move(meta);
    return e;
}

}  // namespace webhooks
