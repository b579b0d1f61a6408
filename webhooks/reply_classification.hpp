// Classifying a remote server's reply that a sending platform relays in its webhook (Postal's `output`),
// with the same tables the milter uses for DSNs, so a policy block is not turned into a hard bounce just
// because the platform calls every 5xx a hard failure.
#pragma once

#include <string>
#include <string_view>

namespace webhooks {

struct ReplyVerdict {
    std::string reason;  // a Sisimai v5.1 reason, or empty when the reply decides nothing
    std::string type;    // "hard" | "soft", or empty when the reply decides nothing
};

// `reply` is the remote server's answer ("550 5.1.1 <x@example.net>: user unknown"), `status` its
// enhanced status code when already extracted, `remote_host` and `recipient` feed the per-receiver tables.
ReplyVerdict classify_reply(std::string_view reply, std::string_view status, std::string_view reply_code,
                            std::string_view remote_host, std::string_view recipient);

}  // namespace webhooks
