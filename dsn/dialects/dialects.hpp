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

#undef BOUNCE_DIALECT

}  // namespace dsn::dialects
