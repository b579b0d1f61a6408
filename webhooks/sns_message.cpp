#include "webhooks/sns_message.hpp"

namespace webhooks {

namespace {
// nullopt when absent or null; throws std::invalid_argument when present with the wrong type.
std::optional<std::string> optional_string(const nlohmann::json& body, const char* key, const char* alt = nullptr) {
    auto it = body.find(key);
    if ((it == body.end() || it->is_null()) && alt != nullptr) it = body.find(alt);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw std::invalid_argument(std::string(key) + " is not a string");
    return it->get<std::string>();
}
}  // namespace

std::optional<SnsMessage> parse_sns_message(const nlohmann::json& body, std::string& error) {
    if (!body.is_object()) {
        error = "body is not a JSON object";
        return std::nullopt;
    }
    try {
        SnsMessage m;
        struct Required {
            const char* key;
            const char* alt;
            std::string* out;
        };
        const Required required[] = {
            {"Type", nullptr, &m.type},
            {"MessageId", nullptr, &m.message_id},
            {"TopicArn", nullptr, &m.topic_arn},
            {"Message", nullptr, &m.message},
            {"Timestamp", nullptr, &m.timestamp},
        };
        for (const auto& r : required) {
            auto v = optional_string(body, r.key, r.alt);
            if (!v) {
                error = std::string("missing ") + r.key;
                return std::nullopt;
            }
            *r.out = std::move(*v);
        }
        // Authentication fields may be missing here; the caller refuses them as unauthenticated (403).
        m.signature_version = optional_string(body, "SignatureVersion").value_or("");
        m.signature = optional_string(body, "Signature").value_or("");
        m.signing_cert_url = optional_string(body, "SigningCertURL", "SigningCertUrl").value_or("");
        m.subject = optional_string(body, "Subject");
        m.subscribe_url = optional_string(body, "SubscribeURL", "SubscribeUrl");
        m.token = optional_string(body, "Token");
        return m;
    } catch (const std::invalid_argument& e) {
        error = e.what();
        return std::nullopt;
    }
}

std::string sns_string_to_sign(const SnsMessage& m) {
    std::string out;
    auto add = [&out](const char* key, const std::string& value) {
        out += key;
        out += '\n';
        out += value;
        out += '\n';
    };
    add("Message", m.message);
    add("MessageId", m.message_id);
    if (m.type == "Notification") {
        if (m.subject) add("Subject", *m.subject);
    } else if (m.subscribe_url) {
        add("SubscribeURL", *m.subscribe_url);
    }
    add("Timestamp", m.timestamp);
    if (m.type != "Notification" && m.token) add("Token", *m.token);
    add("TopicArn", m.topic_arn);
    add("Type", m.type);
    return out;
}

}  // namespace webhooks
