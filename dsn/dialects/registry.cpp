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

    // --- MTA and appliance dialects ---
    {"powermta", dialects::powermta_matches, dialects::powermta_decode},
    {"mcafee", dialects::mcafee_matches, dialects::mcafee_decode},
    {"messagelabs", dialects::messagelabs_matches, dialects::messagelabs_decode},
    {"interscan", dialects::interscan_matches, dialects::interscan_decode},
    {"mfilter", dialects::mfilter_matches, dialects::mfilter_decode},  // before qmail: same subject
    {"imail", dialects::imail_matches, dialects::imail_decode},
    {"fml", dialects::fml_matches, dialects::fml_decode},
    {"dma", dialects::dma_matches, dialects::dma_decode},  // before exim: same subject
    {"exim", dialects::exim_matches, dialects::exim_decode},
    {"qmail", dialects::qmail_matches, dialects::qmail_decode},
    {"opensmtpd", dialects::opensmtpd_matches, dialects::opensmtpd_decode},
    {"exchange2003", dialects::exchange2003_matches, dialects::exchange2003_decode},
    {"outlook", dialects::outlook_matches, dialects::outlook_decode},
    {"exchange", dialects::exchange_matches, dialects::exchange_decode},
    {"messagingserver", dialects::messagingserver_matches, dialects::messagingserver_decode},
    {"domino", dialects::domino_matches, dialects::domino_decode},
    {"notes", dialects::notes_matches, dialects::notes_decode},
    {"apachejames", dialects::apachejames_matches, dialects::apachejames_decode},
    {"mailmarshal", dialects::mailmarshal_matches, dialects::mailmarshal_decode},
    {"x3", dialects::x3_matches, dialects::x3_decode},
    {"v5sendmail", dialects::v5sendmail_matches, dialects::v5sendmail_decode},
    // --- end MTA and appliance dialects ---
};

}  // namespace

std::span<const Dialect> registered_dialects() { return kDialects; }

}  // namespace dsn
