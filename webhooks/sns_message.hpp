// The Amazon SNS HTTP envelope: its fields as received and the exact string SNS signs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace webhooks {

struct SnsMessage {
    std::string type, message_id, topic_arn, message, timestamp, signature_version, signature, signing_cert_url;
    std::optional<std::string> subject, subscribe_url, token;
};

// nullopt with `error` set when the body is not an SNS envelope (fields missing or not strings).
// JSON null counts as absent; the Lambda spellings SigningCertUrl/SubscribeUrl are accepted.
std::optional<SnsMessage> parse_sns_message(const nlohmann::json& body, std::string& error);

// "key\nvalue\n" for each signed key present, in SNS's order.
std::string sns_string_to_sign(const SnsMessage& m);

}  // namespace webhooks
