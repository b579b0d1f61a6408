// Entry points of every dialect file, gathered for the registry table.
#pragma once

#include "dsn/finding.hpp"
#include "dsn/message.hpp"

#include <vector>

namespace dsn::dialects {

#define BOUNCE_DIALECT(name)                      \
    bool name##_matches(const Message& message); \
    std::vector<Finding> name##_decode(const Message& message);

BOUNCE_DIALECT(postfix)
BOUNCE_DIALECT(sendmail)

// --- MTA and appliance dialects ---
BOUNCE_DIALECT(dma)
BOUNCE_DIALECT(exim)
BOUNCE_DIALECT(qmail)
BOUNCE_DIALECT(opensmtpd)
BOUNCE_DIALECT(exchange2003)
BOUNCE_DIALECT(exchange)
BOUNCE_DIALECT(powermta)
BOUNCE_DIALECT(mcafee)
BOUNCE_DIALECT(messagelabs)
BOUNCE_DIALECT(interscan)
BOUNCE_DIALECT(mfilter)
BOUNCE_DIALECT(domino)
BOUNCE_DIALECT(notes)
BOUNCE_DIALECT(imail)
BOUNCE_DIALECT(apachejames)
BOUNCE_DIALECT(mailmarshal)
BOUNCE_DIALECT(fml)
BOUNCE_DIALECT(x3)
BOUNCE_DIALECT(v5sendmail)
BOUNCE_DIALECT(messagingserver)
BOUNCE_DIALECT(outlook)
// --- end MTA and appliance dialects ---

#undef BOUNCE_DIALECT

}  // namespace dsn::dialects
