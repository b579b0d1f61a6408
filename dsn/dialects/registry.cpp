// The dialect table. Order matters: a message is offered to each dialect in turn and the first
// one that matches and finds recipients wins, so narrow markers come before broad ones.
#include "dsn/dialect.hpp"
#include "dsn/dialects/dialects.hpp"

namespace dsn {
namespace {

constexpr Dialect kDialects[] = {
    // --- provider dialects: a provider's sender address or wording is narrower than any MTA's ---
    {"google-groups", dialects::google_groups_matches, dialects::google_groups_decode},
    {"google-workspace", dialects::google_workspace_matches, dialects::google_workspace_decode},
    {"gmail", dialects::gmail_matches, dialects::gmail_decode},
    {"amazon-ses-notification", dialects::amazon_ses_notification_matches, dialects::amazon_ses_notification_decode},
    {"amazon-receiving-ses", dialects::amazon_receiving_ses_matches, dialects::amazon_receiving_ses_decode},
    {"amazon-ses", dialects::amazon_ses_matches, dialects::amazon_ses_decode},
    {"yahoo", dialects::yahoo_matches, dialects::yahoo_decode},
    {"mailru", dialects::mailru_matches, dialects::mailru_decode},
    {"united-internet", dialects::united_internet_matches, dialects::united_internet_decode},
    {"zoho", dialects::zoho_matches, dialects::zoho_decode},
    {"ezweb", dialects::ezweb_matches, dialects::ezweb_decode},
    {"au-kddi", dialects::au_kddi_matches, dialects::au_kddi_decode},
    {"verizon", dialects::verizon_matches, dialects::verizon_decode},
    // --- end of provider dialects ---
    {"postfix", dialects::postfix_matches, dialects::postfix_decode},
    {"sendmail", dialects::sendmail_matches, dialects::sendmail_decode},
};

}  // namespace

std::span<const Dialect> registered_dialects() { return kDialects; }

}  // namespace dsn
