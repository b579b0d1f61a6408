// Receiver families: which mailbox provider or filtering gateway refused a message, named from a
// small fixed set, so reports and metrics can say "Microsoft refuses us" without one row per MX host.
#pragma once

#include <span>
#include <string_view>

namespace dsn::receivers {

// Every name receiver_of can return, "other" last. The set is fixed at build time, which keeps a
// Prometheus label built from it bounded.
std::span<const std::string_view> families();

// The family of the receiving side: the remote MTA's host name decides when it is a known one
// (a Google Workspace domain's MX is Google whatever the domain); then a phrase only one provider
// writes into its replies; then the recipient's domain. "other" when none is known.
std::string_view receiver_of(std::string_view remote_mta, std::string_view recipient,
                             std::string_view diagnostic = {});

}  // namespace dsn::receivers
