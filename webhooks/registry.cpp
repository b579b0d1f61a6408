#include "webhooks/registry.hpp"

#include <array>

#include "webhooks/providers/factories.hpp"

namespace webhooks {

namespace {
constexpr std::array<ProviderEntry, 13> table{{
    {"ses", providers::make_ses},
    {"sendgrid", providers::make_sendgrid},
    {"postmark", providers::make_postmark},
    {"mailgun", providers::make_mailgun},
    {"sparkpost", providers::make_sparkpost},
    {"mailjet", providers::make_mailjet},
    {"brevo", providers::make_brevo},
    {"mandrill", providers::make_mandrill},
    {"resend", providers::make_resend},
    {"forwardemail", providers::make_forwardemail},
    {"lettermint", providers::make_lettermint},
    {"azure", providers::make_azure},
    {"postal", providers::make_postal},
}};
}  // namespace

std::span<const ProviderEntry> provider_table() { return table; }

const ProviderEntry* find_provider(std::string_view name) {
    for (const auto& e : table) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

}  // namespace webhooks
