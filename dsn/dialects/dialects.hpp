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

// --- provider dialects (Google, Yahoo, Amazon, carriers ...) ---
BOUNCE_DIALECT(google_groups)
BOUNCE_DIALECT(google_workspace)
BOUNCE_DIALECT(gmail)
BOUNCE_DIALECT(amazon_ses_notification)
BOUNCE_DIALECT(amazon_receiving_ses)
BOUNCE_DIALECT(amazon_ses)
BOUNCE_DIALECT(yahoo)
BOUNCE_DIALECT(mailru)
BOUNCE_DIALECT(united_internet)
BOUNCE_DIALECT(zoho)
BOUNCE_DIALECT(ezweb)
BOUNCE_DIALECT(au_kddi)
BOUNCE_DIALECT(verizon)
// --- end of provider dialects ---

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
