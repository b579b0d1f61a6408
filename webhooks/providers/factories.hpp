// One factory per provider file; the registry lists them all.
#pragma once

#include <memory>

#include "webhooks/provider.hpp"

namespace webhooks::providers {

#define BOUNCE_HOOKS_PROVIDER(name) \
    std::unique_ptr<Provider> make_##name(const conf::ProviderConfig& config, const Services& services);
BOUNCE_HOOKS_PROVIDER(ses)
BOUNCE_HOOKS_PROVIDER(sendgrid)
BOUNCE_HOOKS_PROVIDER(postmark)
BOUNCE_HOOKS_PROVIDER(mailgun)
BOUNCE_HOOKS_PROVIDER(sparkpost)
BOUNCE_HOOKS_PROVIDER(mailjet)
BOUNCE_HOOKS_PROVIDER(brevo)
BOUNCE_HOOKS_PROVIDER(mandrill)
BOUNCE_HOOKS_PROVIDER(resend)
BOUNCE_HOOKS_PROVIDER(forwardemail)
BOUNCE_HOOKS_PROVIDER(lettermint)
BOUNCE_HOOKS_PROVIDER(azure)
BOUNCE_HOOKS_PROVIDER(postal)
#undef BOUNCE_HOOKS_PROVIDER

}  // namespace webhooks::providers
