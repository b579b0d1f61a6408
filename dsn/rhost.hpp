// Remote-host knowledge: receiving providers (Google, Microsoft, Yahoo, ...) whose reply texts or
// codes mean something more specific than the generic tables say.
#pragma once

#include "dsn/classify.hpp"

#include <string_view>

namespace dsn::rhost {

// The reason a known receiving provider's reply implies, or empty when the remote host is not a
// known provider or its table has no entry for this reply.
std::string_view reason_for(const classify::Evidence& evidence);

}  // namespace dsn::rhost
