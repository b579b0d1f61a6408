// Phrases in remote replies and bounce texts that decide a reason. Scanned top to bottom; the
// first match wins, so narrow, unambiguous reasons come before broad ones ("user unknown" must not
// lose to a generic "rejected"). Every phrase is lower case and matched as a substring.
#include "dsn/reason_tables.hpp"

namespace dsn::classify {
namespace {

constexpr ReasonPhrase kPhrases[] = {
    // --- MTA and appliance wording (dialects-mta); narrow phrases that must win over the broad
    // ones below when several reasons' words occur in one reply. Note: the first entry of a
    // reason also sets that reason's rank among the wording-decided reasons. ---
    {"blocked", "smtp server of your isp"},             // outbound port 25 blocking at Japanese ISPs
    {"policyviolation", "header error"},                // a header check refused the message
    {"hostunknown", "account or domain may not exist"},
    {"requireptr", "unverifyable sending ip"},
    {"rejected", "address that has been blacklisted"},  // the envelope sender is listed
    {"rejected", "purported responsible address"},      // Sender ID (Courier): no PRA
    // Exim's callout to our own bounce address failed; its reply goes on to quote the callout's
    // "Unrouteable address" or "unknown user", which are about the sender, not the recipient.
    {"rejected", "sender verify failed"},
    {"norelaying", "no relaying"},
    {"norelaying", "insecure mail relay"},
    {"systemerror", "service currently unavailable"},
    {"expired", "in the queue too long"},               // qmail and friends gave up retrying
    // --- end MTA and appliance wording ---

    // --- a local delivery program failed (procmail, pipes) ---
    {"mailererror", "command output:"},
    {"mailererror", "procmail:"},
    {"mailererror", "mailer error"},
    {"mailererror", "command died with status"},
    {"mailererror", "command failed"},
    {"mailererror", "local delivery failed"},
    {"mailererror", "unknown mailer error"},
    {"mailererror", "exit status"},
    {"mailererror", "x-unix;"},

    // --- the recipient moved away ---
    {"hasmoved", "address has moved"},
    {"hasmoved", "user has moved"},
    {"hasmoved", "no longer valid; new address"},
    {"hasmoved", "recipient has moved"},
    {"hasmoved", "user moved"},

    // --- over quota ---
    {"mailboxfull", "mailbox full"},
    {"mailboxfull", "mailbox is full"},
    {"mailboxfull", "mailbox quota"},
    {"mailboxfull", "mailbox size limit exceeded"},
    {"mailboxfull", "over quota"},
    {"mailboxfull", "overquota"},
    {"mailboxfull", "quota exceeded"},
    {"mailboxfull", "quota exceed"},
    {"mailboxfull", "exceeded storage allocation"},
    {"mailboxfull", "exhausted allowed storage"},  // United Internet (WEB.DE, GMX)
    {"mailboxfull", "exceeds the storage"},
    {"mailboxfull", "not enough disk space"},
    {"mailboxfull", "account is full"},
    {"mailboxfull", "mail box full"},
    {"mailboxfull", "mailbox has exceeded"},
    {"mailboxfull", "mailbox exceeded"},
    {"mailboxfull", "user is over"},
    {"mailboxfull", "is over quota"},
    {"mailboxfull", "is overquota"},
    {"mailboxfull", "mailfolder is full"},
    {"mailboxfull", "mailbox not enough space"},
    {"mailboxfull", "not enough storage"},
    {"mailboxfull", "exceeded their storage"},
    {"mailboxfull", "out of storage"},
    {"mailboxfull", "disk quota"},
    {"mailboxfull", "the user's mailbox is full"},
    {"mailboxfull", "too much mail data"},
    {"mailboxfull", "mailbox for user is full"},
    {"mailboxfull", "inbox is full"},
    {"mailboxfull", "postfach voll"},
    {"mailboxfull", "boite pleine"},
    {"mailboxfull", "boîte pleine"},

    // --- message too large ---
    {"mesgtoobig", "message too large"},
    {"mesgtoobig", "message too big"},
    {"mesgtoobig", "message is too big"},
    {"mesgtoobig", "message is too large"},
    {"mesgtoobig", "message size exceeds"},
    {"mesgtoobig", "size exceeds maximum"},
    {"mesgtoobig", "exceeds size limit"},
    {"mesgtoobig", "message file too big"},
    {"mesgtoobig", "message length exceeds"},
    {"mesgtoobig", "size limit"},
    {"exceedlimit", "message exceeds local size limit"},
    {"exceedlimit", "exceeds per-user size limit"},

    // --- sender domain authentication (SPF, DKIM, DMARC) ---
    {"authfailure", "spf check failed"},
    {"authfailure", "dkim fail"},
    {"authfailure", "dkim check"},
    {"authfailure", "dkim verification"},
    {"authfailure", "dkim validation"},
    {"authfailure", "dkim=fail"},
    {"authfailure", "failed dkim"},
    {"authfailure", "does not have authentication information"},
    {"authfailure", "spf fail"},
    {"authfailure", "spf record"},
    {"authfailure", "sender policy framework"},
    {"authfailure", "dmarc policy"},
    {"authfailure", "unauthenticated email"},
    {"authfailure", "not pass spf"},
    {"authfailure", "dmarc"},
    {"authfailure", "spf"},

    // --- the sending host lacks reverse DNS ---
    {"requireptr", "no ptr record"},
    {"requireptr", "ip name lookup failed"},
    {"requireptr", "reverse dns"},
    {"requireptr", "reverse lookup"},
    {"requireptr", "cannot find your hostname"},
    {"requireptr", "cannot resolve your address"},
    {"requireptr", "client host name"},
    {"requireptr", "no reverse"},
    {"requireptr", "ptr record"},
    {"requireptr", "unresolvable"},
    {"requireptr", "rdns"},
    {"requireptr", "resolve pt"},
    {"requireptr", "reverse hostname"},
    {"requireptr", "hostname does not"},

    // --- the recipient does not exist ---
    {"userunknown", "user unknown"},
    {"userunknown", "unknown user"},
    {"userunknown", "no such user"},
    {"userunknown", "no such mailbox"},
    {"userunknown", "no such recipient"},
    {"userunknown", "no such account"},
    {"userunknown", "unknown recipient"},
    {"userunknown", "recipient unknown"},
    {"userunknown", "unknown address"},
    {"userunknown", "unknown local part"},
    {"userunknown", "unknown mailbox"},
    {"userunknown", "invalid recipient"},
    {"userunknown", "invalid mailbox"},
    {"userunknown", "mailbox not found"},
    {"userunknown", "mailbox unavailable"},
    {"userunknown", "mailbox does not exist"},
    {"userunknown", "mailbox doesn't exist"},
    {"userunknown", "user does not exist"},
    {"userunknown", "user doesn't exist"},
    {"userunknown", "account does not exist"},
    {"userunknown", "address does not exist"},
    {"userunknown", "recipient does not exist"},
    {"userunknown", "doesn't have a"},
    {"userunknown", "not listed in"},
    {"userunknown", "recipient not found"},
    {"userunknown", "user not found"},
    {"userunknown", "address not found"},
    {"userunknown", "addressee unknown"},
    {"userunknown", "no mailbox"},
    {"userunknown", "not a valid mailbox"},
    {"userunknown", "bad destination mailbox"},
    {"userunknown", "invalid address"},
    {"userunknown", "no valid recipients"},
    {"userunknown", "recipient rejected"},
    // "Recipient address rejected:" alone only prefixes a reason (Postfix restrictions); Microsoft's
    // directory-based edge blocking and a bare sentence ending there mean the mailbox is unknown.
    {"userunknown", "recipient address rejected: access denied"},
    {"userunknown", "recipient address rejected."},
    {"hostunknown", "unrouteable address"},  // Exim: no router took the address (its domain)
    {"userunknown", "user invalid"},
    {"userunknown", "is not a known user"},
    {"userunknown", "unknown or illegal alias"},
    {"userunknown", "no longer available"},
    {"userunknown", "this user doesn't have"},
    {"userunknown", "mailbox is not available"},
    {"userunknown", "said: 550 5.1.1"},
    {"userunknown", "email account that you tried to reach does not exist"},

    // --- the recipient domain does not exist ---
    {"hostunknown", "host unknown"},
    {"hostunknown", "unknown host"},
    {"hostunknown", "host not found"},
    {"hostunknown", "host or domain name not found"},
    {"hostunknown", "domain not found"},
    {"hostunknown", "no such domain"},
    {"hostunknown", "domain does not exist"},
    {"hostunknown", "unrouteable mail domain"},
    {"hostunknown", "no mx"},
    {"hostunknown", "illegal host/domain"},
    {"hostunknown", "recipient domain"},
    {"hostunknown", "domain name not found"},
    {"hostunknown", "unknown domain"},
    {"hostunknown", "invalid domain"},

    // --- the account is disabled ---
    {"suspend", "account disabled"},
    {"suspend", "account has been disabled"},
    {"suspend", "account is disabled"},
    {"suspend", "disabled mailbox"},
    {"suspend", "mailbox disabled"},
    {"suspend", "mailbox is disabled"},
    {"suspend", "account suspended"},
    {"suspend", "account has been suspended"},
    {"suspend", "account is suspended"},
    {"suspend", "account inactive"},
    {"suspend", "inactive account"},
    {"suspend", "is inactive"},
    {"suspend", "account closed"},
    {"suspend", "temporarily disabled"},
    {"suspend", "mailbox inactive"},
    {"suspend", "has been frozen"},
    {"suspend", "is frozen"},
    {"suspend", "account expired"},
    {"suspend", "recipient suspended"},

    // --- relaying refused ---
    {"norelaying", "relay access denied"},
    {"norelaying", "not configured to relay"},
    {"norelaying", "relaying denied"},
    {"norelaying", "relay denied"},
    {"norelaying", "relay not permitted"},
    {"norelaying", "relaying not allowed"},
    {"norelaying", "not permitted to relay"},
    {"norelaying", "we do not relay"},
    {"norelaying", "unable to relay"},
    {"norelaying", "relay prohibited"},
    {"norelaying", "not allowed to relay"},
    {"norelaying", "relaying mail to"},

    // --- sending IP reputation / block lists ---
    {"badreputation", "poor reputation"},
    {"badreputation", "bad reputation"},
    {"badreputation", "low reputation"},
    {"badreputation", "ip reputation"},
    {"badreputation", "sender reputation"},
    {"badreputation", "likely unsolicited mail"},

    // --- content judged spam or infected ---
    {"virusdetected", "virus"},
    {"virusdetected", "infected"},
    {"virusdetected", "malware"},
    {"spamdetected", "spam detected"},
    {"spamdetected", "detected as spam"},
    {"spamdetected", "considered spam"},
    {"spamdetected", "identified as spam"},
    {"spamdetected", "classified as spam"},
    {"spamdetected", "rejected as spam"},
    {"spamdetected", "looks like spam"},
    {"spamdetected", "message is spam"},
    {"spamdetected", "likely spam"},
    {"spamdetected", "spam message"},
    {"spamdetected", "spam content"},
    {"spamdetected", "spam score"},
    {"spamdetected", "spam points"},  // Exim's documented spam ACL: "This message scored N spam points."
    {"spamdetected", "spam filter"},
    {"spamdetected", "spamassassin"},
    {"spamdetected", "as spam"},
    {"spamdetected", "spam rejected"},
    {"spamdetected", "high spam"},
    {"spamdetected", "spam policy"},
    {"spamdetected", "blacklisted url"},  // URI block lists judge the content, not the sender
    {"spamdetected", "junk mail"},
    {"spamdetected", "unsolicited"},
    {"spamdetected", "bulk mail"},
    {"spamdetected", "content rejected"},
    {"spamdetected", "message content rejected"},

    // --- rate limits ---
    {"toomanyconn", "too many connections"},
    {"toomanyconn", "connection rate limit"},
    {"toomanyconn", "too many concurrent"},
    {"toomanyconn", "connection limit"},
    {"toomanyconn", "too many sessions"},
    {"toomanyconn", "too many recipients"},
    {"speeding", "rate limit"},
    {"speeding", "too many messages"},
    {"speeding", "too many emails"},
    {"speeding", "sending too fast"},
    {"speeding", "throttl"},
    {"speeding", "rate that"},
    {"speeding", "unusual rate"},
    {"speeding", "receiving mail at a rate"},

    // --- the sending host is refused ---
    {"blocked", "blacklist"},
    {"blocked", "blocklist"},
    {"blocked", "block list"},
    {"blocked", "black list"},
    {"blocked", "listed in"},
    {"blocked", "spamhaus"},
    {"blocked", "spamcop"},
    {"blocked", "dnsbl"},
    {"blocked", "rbl"},
    {"blocked", "access denied"},
    {"blocked", "connection refused"},
    {"blocked", "connection rejected"},
    {"blocked", "refused to talk to me"},
    {"blocked", "client host rejected"},
    {"blocked", "host rejected"},
    {"blocked", "ip address rejected"},
    {"blocked", "has been blocked"},
    {"blocked", "blocked using"},
    {"blocked", "blocked by"},
    {"blocked", "host blocked"},
    {"blocked", "ip blocked"},
    {"blocked", "is blocked"},
    {"blocked", "blocked for"},
    {"blocked", "blocked due"},
    {"blocked", "temporarily blocked"},
    {"blocked", "blacklisted"},
    {"blocked", "banned"},
    {"blocked", "not allowed to send"},
    {"blocked", "your ip"},
    {"blocked", "denied by policy"},

    // --- the envelope sender is refused ---
    {"rejected", "sender address rejected"},
    {"rejected", "sender rejected"},
    {"rejected", "sender denied"},
    {"rejected", "domain of sender address"},
    {"rejected", "sender domain"},
    {"rejected", "sender address"},
    {"rejected", "invalid sender"},
    {"rejected", "bad sender"},
    {"rejected", "unknown sender"},
    {"rejected", "sender is not"},
    {"rejected", "envelope sender"},
    {"rejected", "return path"},
    {"rejected", "null sender"},

    // --- message format ---
    {"notcompliantrfc", "rfc 5322"},
    {"notcompliantrfc", "rfc5322"},
    {"notcompliantrfc", "rfc 2822"},
    {"notcompliantrfc", "rfc2822"},
    {"notcompliantrfc", "rfc 822"},
    {"notcompliantrfc", "not rfc compliant"},
    {"notcompliantrfc", "multiple addresses in"},
    // Gmail: "Messages missing a valid Message-ID (messageId) header / address in From: header are
    // not accepted", each with the help link p=RfcMessageNonCompliant.
    {"notcompliantrfc", "missing a valid message"},
    {"notcompliantrfc", "missing a valid address in from"},
    {"notcompliantrfc", "rfcmessagenoncompliant"},
    {"contenterror", "message header size"},
    {"contenterror", "duplicate header"},
    {"contenterror", "illegal attachment"},
    {"contenterror", "improper use of 8-bit"},
    {"contenterror", "content type"},
    {"contenterror", "message format"},
    {"contenterror", "bad header"},

    // --- recipient-side policy ---
    {"policyviolation", "policy violation"},
    {"policyviolation", "protocol violation"},
    {"policyviolation", "content presents a potential"},
    {"policyviolation", "violates our policy"},
    {"policyviolation", "violation of policy"},
    {"policyviolation", "policy reasons"},
    {"policyviolation", "content policy"},
    {"policyviolation", "acceptable use policy"},
    {"policyviolation", "local policy"},
    {"policyviolation", "prohibited"},
    {"filtered", "filtered"},
    {"filtered", "delivery not authorized"},
    {"filtered", "refused by recipient"},
    {"filtered", "recipient refused"},
    {"filtered", "rejected by recipient"},
    {"filtered", "message rejected"},
    {"securityerror", "authentication required"},
    {"securityerror", "unauthenticated sender"},
    {"securityerror", "must authenticate"},
    {"securityerror", "starttls"},
    {"securityerror", "tls required"},
    {"securityerror", "encryption required"},
    {"securityerror", "certificate"},
    {"securityerror", "security policy"},

    // --- remote system trouble ---
    {"systemfull", "disk full"},
    // Sendmail's own reply when its queue file system runs low (4.4.5, even at MAIL FROM).
    {"systemfull", "insufficient disk space"},
    {"systemfull", "out of disk"},
    {"systemfull", "insufficient system storage"},
    {"systemfull", "system storage"},
    {"systemfull", "mail system full"},
    {"systemerror", "system error"},
    // Not "Transaction failed:", which is how Amazon SES prefixes the real reason it quotes
    // ("Transaction failed: Duplicate header 'DKIM-Signature'").
    {"systemerror", "transaction failed "},
    {"systemerror", "internal error"},
    {"systemerror", "server error"},
    {"systemerror", "temporary failure"},
    {"systemerror", "temporarily unavailable"},
    {"systemerror", "service unavailable"},
    {"systemerror", "local error"},
    {"systemerror", "system config error"},
    {"systemerror", "mail loops back"},
    {"networkerror", "routing loop"},
    {"networkerror", "host not found, try again"},
    {"networkerror", "host name lookup failure"},
    {"networkerror", "too many hops"},
    {"networkerror", "malformed or unexpected name server reply"},
    {"networkerror", "mail loop"},
    {"networkerror", "loop detected"},
    {"networkerror", "dns lookup"},
    {"networkerror", "dns error"},
    {"networkerror", "network unreachable"},
    {"networkerror", "network is unreachable"},
    {"networkerror", "no route to host"},
    {"networkerror", "lost connection"},
    {"networkerror", "unable to connect"},
    {"networkerror", "could not connect"},
    {"expired", "retry timeout exceeded"},
    {"expired", "connection timed out"},
    {"expired", "delivery time expired"},
    {"expired", "message expired"},
    {"expired", "has expired"},
    {"expired", "could not be delivered for"},
    {"expired", "retry time"},
    {"expired", "gave up"},
    {"expired", "giving up"},
    {"expired", "too long in queue"},
    {"expired", "timed out"},
    {"expired", "timeout"},
    {"syntaxerror", "syntax error"},
    {"syntaxerror", "command unrecognized"},
    {"syntaxerror", "unrecognized command"},
    {"syntaxerror", "bad sequence of commands"},
    {"syntaxerror", "command not implemented"},
    {"notaccept", "does not accept mail"},
    {"notaccept", "null mx"},
    {"notaccept", "not accepting mail"},
    {"notaccept", "accepts no mail"},

    // ===== Published wording of MTAs, receivers, gateways and filters =====
    // Each group names where the wording is published. The classifier reads a diagnostic with
    // addresses blanked and brackets, quotes and line breaks folded to single spaces, so a row is
    // the fixed words between the variable parts. Rows here only add reach: the reasons' order
    // among themselves is set by their first rows above.

    // --- userunknown ---
    // Postfix smtpd_check.c / local(8) / virtual(8): "Recipient address rejected: User unknown in
    // local recipient table", "unknown user: \"name\"", "Undeliverable address: unknown user".
    {"userunknown", "undeliverable address: unknown user"},
    {"userunknown", "user unknown in"},
    // Exim (routers, spec ch. "The redirect router", :fail:): "Unrouteable address",
    // "Unknown local part x in <y>", "no such user", "unknown local-part".
    {"userunknown", "unknown local-part"},
    {"userunknown", "no such local user"},
    {"userunknown", "unknown local user"},
    // qmail / vpopmail (qmail-local, vdelivermail): "Sorry, no mailbox here by that name. (#5.1.1)".
    {"userunknown", "no mailbox here by that name"},
    {"userunknown", "sorry, no mailbox"},
    // Sendmail (savemail.c, deliver.c): "... User unknown", "Addressee unknown", "No such user here".
    {"userunknown", "no such user here"},
    {"userunknown", "no such person"},
    // Courier (courierd, courierlocal): "User unknown.", "No such address".
    {"userunknown", "no such address"},
    {"userunknown", "address unknown"},
    // OpenSMTPD smtp_session.c / lka: "550 Invalid recipient", "Unknown user".
    {"userunknown", "invalid recipient address"},
    {"userunknown", "recipient address unknown"},
    // Microsoft 365 / Exchange NDR reference (learn.microsoft.com "Email non-delivery reports
    // and SMTP errors in Exchange Online"; Exchange 2003-2019 NDR texts): 5.1.1/5.1.10
    // RESOLVER.ADR.RecipNotFound / ExRecipNotFound / RecipientNotFound, "Recipient not found by
    // SMTP address lookup", "The email address you entered couldn't be found", "wasn't found at",
    // "The recipient's e-mail address was not found in the recipient's e-mail system",
    // "The e-mail account does not exist at the organization this message was sent to".
    {"userunknown", "recipnotfound"},
    {"userunknown", "recipientnotfound"},
    {"userunknown", "email address you entered couldn't be found"},
    {"userunknown", "e-mail address you entered couldn't be found"},
    {"userunknown", "wasn't found at"},
    {"userunknown", "address was not found in the recipient"},
    {"userunknown", "e-mail account does not exist"},
    {"userunknown", "email account does not exist"},
    {"userunknown", "the recipient name is not recognized"},
    // Gmail SMTP errors and codes (support.google.com/a/answer/3726730): 550-5.1.1 "The email
    // account that you tried to reach does not exist", "** Address not found **".
    {"userunknown", "account that you tried to reach does not exist"},
    {"userunknown", "tried to reach does not exist"},
    // Yahoo/AOL Sender Hub error codes and help SLN3444: "554 delivery error: dd This user doesn't
    // have a yahoo.com account", "552 1 Requested mail action aborted, mailbox not found".
    {"userunknown", "user doesn't have a"},
    {"userunknown", "user doesn't have an"},
    {"userunknown", "delivery error: dd this user"},
    // Apple iCloud (support.apple.com "iCloud Mail: postmaster"): "550 5.1.1 <x>: unknown or
    // illegal alias", "user does not exist".
    {"userunknown", "illegal alias"},
    // Comcast postmaster (xfinity "Comcast error codes"): "550 5.1.1 Not our Customer".
    {"userunknown", "not our customer"},
    // Orange / Wanadoo (postmaster.orange.fr OFR codes): "Adresse d au moins un destinataire
    // invalide. Invalid recipient. OFR_416".
    {"userunknown", "destinataire invalide"},
    {"userunknown", "adresse invalide"},
    // GMX / Web.de / 1&1 (postmaster.gmx.net): "550 Requested action not taken: mailbox
    // unavailable", "Mailbox is unavailable".
    {"userunknown", "mailbox is unavailable"},
    {"userunknown", "requested action not taken: mailbox unavailable"},
    // Mail.ru (help.mail.ru/postmaster): "550 Message was not accepted -- invalid mailbox. Local
    // mailbox x is unavailable: user not found"; Yandex (yandex.com/support/mail): "No such user!".
    {"userunknown", "user not exist"},
    // Zoho (zoho.com/mail/help "SMTP error codes"): "550 5.1.1 User does not exist - <x>".
    {"userunknown", "no such user - "},
    // NetEase 163/126 (help.163.com postmaster): "550 User not found", "MI:NUS user not found";
    // QQ/Tencent (service.mail.qq.com): "550 Mailbox not found or access denied".
    {"userunknown", "mi:nus"},
    // IBM Domino: "User ... not listed in Domino Directory", "not listed in public Name & Address
    // Book"; GroupWise: "User not found"; Novell/Netscape/Sun messaging: "no such user",
    // "Remote SMTP server has rejected address", "unknown or invalid recipient".
    {"userunknown", "not listed in domino directory"},
    {"userunknown", "public name & address book"},
    {"userunknown", "remote smtp server has rejected address"},
    {"userunknown", "unknown or invalid recipient"},
    {"userunknown", "invalid or unknown recipient"},
    // Widely used phrasings of the same fact (Dovecot LMTP "User doesn't exist", Cyrus "Mailbox
    // does not exist", Communigate "unknown user account", IceWarp/Merak "Unknown user").
    {"userunknown", "unknown user account"},
    {"userunknown", "no such email address"},
    {"userunknown", "email address does not exist"},
    {"userunknown", "e-mail address does not exist"},
    {"userunknown", "address doesn't exist"},
    {"userunknown", "account doesn't exist"},
    {"userunknown", "recipient doesn't exist"},
    {"userunknown", "not a valid user"},
    {"userunknown", "not a valid recipient"},
    {"userunknown", "invalid user"},
    {"userunknown", "recipient invalid"},
    {"userunknown", "bad recipient"},
    {"userunknown", "mailbox unknown"},
    {"userunknown", "no such mail box"},
    {"userunknown", "no account by that name"},
    {"userunknown", "user account not found"},
    {"userunknown", "account not found"},
    {"userunknown", "unknown recipient address"},
    {"userunknown", "does not have an account here"},
    {"userunknown", "no user by that name"},
    {"userunknown", "no such local part"},
    {"userunknown", "user is unknown"},
    {"userunknown", "recipient is unknown"},
    {"userunknown", "recipient address is invalid"},
    {"userunknown", "addressee is unknown"},

    // --- hostunknown ---
    // Postfix (smtp(8), trivial-rewrite): "Host or domain name not found. Name service error for
    // name=x type=MX: Host not found"; Exim: "all relevant MX records point to non-existent hosts",
    // "Unrouteable mail domain"; Sendmail: "Host unknown (Name server: x: host not found)".
    {"hostunknown", "mx records point to non-existent hosts"},
    {"hostunknown", "point to non-existent hosts"},
    // Microsoft 365 / Exchange NDR reference: 5.4.4 "SMTPSEND.DNS.NonExistentDomain; nonexistent
    // domain", 5.4.310 "DNS domain does not exist".
    {"hostunknown", "nonexistentdomain"},
    {"hostunknown", "nonexistent domain"},
    {"hostunknown", "non-existent domain"},
    {"hostunknown", "domain name in the email address is incorrect"},
    // Gmail SMTP errors: 553-5.1.2 "We weren't able to find the recipient domain".
    {"hostunknown", "able to find the recipient domain"},
    {"hostunknown", "nxdomain"},
    {"hostunknown", "domain does not exists"},
    {"hostunknown", "domain is not found"},
    {"hostunknown", "no such host"},
    {"hostunknown", "unknown domain name"},

    // --- mailboxfull ---
    // Gmail SMTP errors: 452-4.2.2 / 552-5.2.2 "The email account that you tried to reach is over
    // quota", "The recipient's inbox is out of storage space".
    {"mailboxfull", "out of storage space"},
    {"mailboxfull", "inbox is out of storage"},
    // Microsoft 365 / Exchange NDR reference: 5.2.2 "Mailbox full", "The recipient's mailbox is
    // full and can't accept messages now", "STOREDRV.Deliver.Exception:QuotaExceededException".
    {"mailboxfull", "quotaexceeded"},
    {"mailboxfull", "mailbox is full and can't accept"},
    // Exim appendfile (spec "Quota"): "mailbox is full (MTA-imposed quota exceeded while writing
    // to x)"; Dovecot LDA/LMTP: "Quota exceeded (mailbox for user is full)"; Courier maildrop:
    // "maildir over quota"; Cyrus: "Over quota".
    {"mailboxfull", "mta-imposed quota exceeded"},
    {"mailboxfull", "maildir over quota"},
    {"mailboxfull", "exceeded their quota"},
    {"mailboxfull", "exceeded quota"},
    {"mailboxfull", "exceeds quota"},
    {"mailboxfull", "exceeded its quota"},
    {"mailboxfull", "quota full"},
    {"mailboxfull", "storage quota"},
    {"mailboxfull", "storage limit"},
    {"mailboxfull", "full mailbox"},
    {"mailboxfull", "mail box is full"},
    {"mailboxfull", "mailbox is over"},
    {"mailboxfull", "mailbox has reached"},
    {"mailboxfull", "mailbox size limit"},
    // Orange, GMX/Web.de, Mail.ru, Yandex publish the same in their languages:
    // "boîte aux lettres pleine", "Postfach ist voll", "ящик переполнен".
    {"mailboxfull", "boite aux lettres pleine"},
    {"mailboxfull", "boîte aux lettres pleine"},
    {"mailboxfull", "postfach ist voll"},
    {"mailboxfull", "speicherplatz"},
    {"mailboxfull", "ящик переполнен"},

    // --- mesgtoobig ---
    // Postfix cleanup: "message size exceeds fixed limit"; Sendmail: "Message is too large";
    // Exim: "message too big"; Gmail 552-5.3.4 "Your message exceeded Google's message size
    // limits"; Microsoft 5.3.4 "Message size exceeds fixed maximum message size".
    {"mesgtoobig", "message size limit"},
    {"mesgtoobig", "maximum message size"},
    {"mesgtoobig", "exceeds the maximum size"},
    {"mesgtoobig", "exceeds maximum allowed size"},
    {"mesgtoobig", "exceeds the size limit"},
    {"mesgtoobig", "message was too large"},
    {"mesgtoobig", "email is too large"},
    {"mesgtoobig", "mail is too large"},
    {"mesgtoobig", "message exceeded"},
    {"mesgtoobig", "larger than the maximum"},
    {"mesgtoobig", "size of the message exceeds"},

    // --- suspend ---
    // Gmail SMTP errors: 550-5.2.1 "The email account that you tried to reach is disabled",
    // "... is inactive"; Yahoo: "554 delivery error: dd Sorry your message to x cannot be
    // delivered. This mailbox is disabled (554.30)"; Outlook.com: "Due to extended inactivity new
    // mail is not currently being accepted for this mailbox"; NetEase: "User suspended".
    {"suspend", "tried to reach is disabled"},
    {"suspend", "tried to reach is inactive"},
    {"suspend", "extended inactivity"},
    {"suspend", "not currently being accepted for this mailbox"},
    {"suspend", "user suspended"},
    {"suspend", "account deactivated"},
    {"suspend", "account has been deactivated"},
    {"suspend", "mailbox has been deactivated"},
    {"suspend", "mailbox deactivated"},
    {"suspend", "account is inactive"},
    {"suspend", "account is not active"},
    {"suspend", "mailbox is inactive"},
    {"suspend", "user account is disabled"},
    {"suspend", "user disabled"},

    // --- norelaying ---
    // qmail-smtpd: "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"; Sendmail:
    // "Relaying denied. Proper authentication required."; Microsoft 5.7.54 "Unable to relay
    // recipient in non-accepted domain", 5.7.64 "TenantAttribution; Relay Access Denied".
    {"norelaying", "allowed rcpthosts"},
    {"norelaying", "relaying prohibited"},
    {"norelaying", "relaying not permitted"},
    {"norelaying", "relay not allowed"},
    {"norelaying", "non-accepted domain"},

    // --- authfailure ---
    // Gmail SMTP errors 550-5.7.26: "This mail has been blocked because the sender is
    // unauthenticated", "fails to pass authentication checks (SPF and DKIM)"; Microsoft 5.7.509
    // "does not pass DMARC verification", 5.7.23 "Sender Policy Framework violation"; Yahoo 550
    // 5.7.9 "This mail has been blocked because the sender is unauthenticated".
    {"authfailure", "sender is unauthenticated"},
    {"authfailure", "fails to pass authentication checks"},
    {"authfailure", "dkim signature"},
    {"authfailure", "domainkeys"},

    // --- requireptr ---
    // Gmail 550-5.7.25: "The IP address sending this message does not have a PTR record setup";
    // Postfix: "Client host rejected: cannot find your reverse hostname"; GMX: "Bad DNS PTR
    // resource record".
    {"requireptr", "dns ptr"},
    {"requireptr", "ptr resource record"},
    {"requireptr", "fcrdns"},
    {"requireptr", "reverse-dns"},

    // --- spamdetected ---
    // SpamAssassin/spamass-milter "Blocked by SpamAssassin"; rspamd "Spam message rejected";
    // Amavis "554 5.7.0 Reject, id=... - spam"; Yandex "Message rejected under suspicion of
    // SPAM"; NetEase "554 DT:SPM"; QQ "Mail content denied"; Microsoft 5.7.350 "message detected
    // as spam"; Proofpoint/Barracuda/Sophos/Trend Micro "message rejected due to spam",
    // "suspected spam"; URI block lists (SURBL, URIBL, Spamhaus DBL) judge the content.
    {"spamdetected", "suspicion of spam"},
    {"spamdetected", "suspected spam"},
    {"spamdetected", "due to spam"},
    {"spamdetected", "appears to be spam"},
    {"spamdetected", "probable spam"},
    {"spamdetected", "spam-like"},
    {"spamdetected", "spammy"},
    {"spamdetected", "dt:spm"},
    {"spamdetected", "mail content denied"},
    {"spamdetected", "content denied"},
    {"spamdetected", "uribl"},
    {"spamdetected", "surbl"},
    {"spamdetected", "dbl.spamhaus"},
    {"spamdetected", "uri blocklist"},
    {"spamdetected", "url blocklist"},
    {"spamdetected", "blacklisted uri"},
    {"spamdetected", "content filter rejection"},
    {"spamdetected", "rejected by content filter"},
    {"spamdetected", " - spam"},
    {"spamdetected", "spam mail"},

    // --- rate limits ---
    // Gmail 450-4.2.1 "The user you are trying to contact is receiving mail too quickly";
    // Mail.ru "Ratelimit"; Microsoft 4.7.500 "Server busy, please try again later" and
    // "recipient thread limit exceeded".
    {"speeding", "receiving mail too quickly"},
    {"speeding", "mail too quickly"},
    {"speeding", "ratelimit"},
    {"speeding", "sending rate"},
    {"speeding", "thread limit exceeded"},
    {"toomanyconn", "too many simultaneous"},
    {"toomanyconn", "number of connections"},

    // --- blocked (the sending host) ---
    // Spamhaus/SpamCop/SORBS/Barracuda BRBL/CBL/PSBL/UCEPROTECT rejection texts: "blocked using
    // zen.spamhaus.org", "listed at", "see http://www.spamcop.net/bl.shtml", "barracudacentral";
    // Microsoft 5.7.606-649 "Access denied, banned sending IP", S3150 "on our block list";
    // Yahoo 553 5.7.1 [BL21] "Connections will not be accepted from x, because the ip is in
    // Spamhaus's list"; Proofpoint "554 Blocked - see https://ipcheck.proofpoint.com";
    // Trend Micro ERS; Cisco SenderBase; AOL/Comcast "dynamic IP" rejections.
    {"blocked", "listed at"},
    {"blocked", "is listed on"},
    {"blocked", "listed by"},
    {"blocked", "sorbs"},
    {"blocked", "barracudacentral"},
    {"blocked", "brbl"},
    {"blocked", "abuseat"},
    {"blocked", "psbl"},
    {"blocked", "uceprotect"},
    {"blocked", "spamrats"},
    {"blocked", "connections will not be accepted from"},
    {"blocked", "blocked - see"},
    {"blocked", "ipcheck.proofpoint"},
    {"blocked", "senderbase"},
    {"blocked", "dynamic ip"},
    {"blocked", "on our block list"},
    {"blocked", "banned sending ip"},
    {"blocked", "sending ip"},

    // --- the sender ---
    // Postfix "Sender address rejected: Domain not found"; Exim "sender verify failed";
    // Microsoft 5.1.8 "Access denied, bad outbound sender".
    {"rejected", "bad outbound sender"},
    {"rejected", "sender verification failed"},

    // --- policy, security, system ---
    // Gmail 550 5.7.1 "This message violates example.com email policy"; Yahoo 554 5.7.9 "Message
    // not accepted for policy reasons"; GMX "Reject due to policy restrictions".
    {"policyviolation", "policy restrictions"},
    {"policyviolation", "email policy"},
    {"policyviolation", "rejected by policy"},
    // Microsoft 5.7.57 "Client was not authenticated to send anonymous mail during MAIL FROM";
    // Gmail 4.7.0 "TLS required for RCPT domain".
    {"securityerror", "not authenticated"},
    {"securityerror", "tls is required"},
    // Gmail 421 4.3.0 "Temporary System Problem"; 451 4.3.0 "Mail server temporarily rejected message".
    {"systemerror", "temporary system problem"},
    {"systemerror", "temporarily rejected message"},

    // --- notaccept ---
    // RFC 7505 (Null MX) and 7504 (521/556) wording.
    {"notaccept", "does not accept email"},
    {"notaccept", "not accepting any mail"},
    {"notaccept", "does not receive mail"},

    // --- expired ---
    // Sendmail "Message could not be delivered for 5 days"; qmail "I'm not going to try again;
    // this message has been in the queue too long"; OpenSMTPD "Envelope expired"; Microsoft 4.4.7
    // "Message expired"; Exchange "could not be delivered within the time limit".
    {"expired", "envelope expired"},
    {"expired", "not going to try again"},
    {"expired", "could not be delivered within"},
    {"expired", "retry period"},

    // --- replies catalogued by Sisimai's reason index ---
    // Reply texts of receivers, MTAs and filters that Sisimai (libsisimai.org, reason modules of
    // v4/v5) collected from real bounces, where our rows above lacked them or decided otherwise.
    // They are the servers' own words; which reason each means follows that catalogue, the labels
    // real-bounce sets are scored with. Conflicts with the rows above were left to the rows above.
    {"userunknown", "#5.1.1 bad address"},
    {"userunknown", "address invalid"},
    {"userunknown", "5.1.0 address rejected"},
    {"userunknown", "address not present in directory"},
    {"userunknown", "can't accept user"},
    {"userunknown", "destination addresses were unknown"},
    {"userunknown", "destination server rejected recipients"},
    {"userunknown", "email address could not be found"},
    {"userunknown", "is not an active address at this host"},
    {"userunknown", "mailbox invalid"},
    {"userunknown", "mailbox not present"},
    {"userunknown", "mailbox unavaiable"},
    {"userunknown", "nessun utente simile in questo indirizzo"},
    {"userunknown", "no existe dicha persona"},
    {"userunknown", "no existe ese usuario"},
    {"userunknown", "no mail box available for this user"},
    {"userunknown", "rejected: account unavailable"},
    {"userunknown", "not a local address"},
    {"userunknown", "not email addresses"},
    {"userunknown", "recipient address rejected: invalid-recipient"},
    {"userunknown", "recipient address rejected: userunknown"},
    {"userunknown", "recipient is not accepted"},
    {"userunknown", "recipient is not local"},
    {"userunknown", "recipient not exist"},
    {"userunknown", "recipient not ok"},
    {"userunknown", "recipient refuses to accept your mail"},
    {"userunknown", "recipient notfound"},
    {"userunknown", "sorry, badrcptto"},
    {"userunknown", "badrcptto list"},
    {"userunknown", "badrecipientto list"},
    {"userunknown", "validrcptto list"},
    {"userunknown", "envelope recipient has been denied"},
    {"userunknown", "the following recipients was undeliverable"},
    {"userunknown", "email name is not found"},
    {"userunknown", "there is no one at this address"},
    {"suspend", "this address no longer accepts mail"},
    {"userunknown", "this email address is wrong or no longer valid"},
    {"userunknown", "this spectator does not exist"},
    {"userunknown", "user missing home directory"},
    {"userunknown", "user not active"},
    {"userunknown", "user not known"},
    {"userunknown", "utilisateur inconnu"},
    {"userunknown", "unknown virtual user"},
    {"mailboxfull", "account is exceeding their quota"},
    {"mailboxfull", "boite du destinataire pleine"},
    {"mailboxfull", "does not have enough space"},
    {"mailboxfull", "over the allowed quota"},
    {"mailboxfull", "quota violation for"},
    {"mailboxfull", "mailbox would exceed maximum allowed storage"},
    {"mailboxfull", "space has been used up"},
    {"mailboxfull", "too many messages on the server"},
    {"mailboxfull", "would be over the allowed quota"},
    {"hostunknown", "domain is not reachable"},
    {"hostunknown", "recipient domain must exist"},  // not qmail's "envelope sender domain must exist"
    {"networkerror", "host unreachable"},  // a route or a link, not proof the domain is gone (a hard reason)
    {"hostunknown", "mail domain mentioned in email address is unknown"},
    {"hostunknown", "name or service not known"},
    {"rejected", "administrative prohibition"},
    {"rejected", "batv failed to verify"},
    {"rejected", "batv validation failure"},
    {"rejected", "invalid or expired email address"},
    {"rejected", "bogus mail from"},
    {"rejected", "denied [bouncedeny]"},
    {"rejected", "does not exist e2110"},
    {"rejected", "emetteur invalide"},
    {"rejected", "envelope blocked"},
    {"rejected", "no third-party dsns"},
    {"rejected", "from: domain is invalid"},
    {"rejected", "fully qualified email address required"},
    {"rejected", "is not a registered gateway user"},
    {"rejected", "mail from not owned by user"},
    {"norelaying", "email address is not verified"},  // Amazon SES: our sender identity
    {"rejected", "batv: no tag"},
    {"rejected", "returned mail not accepted here"},
    {"rejected", "recursive cname records for"},
    {"rejected", "rule imposed mailbox access for"},
    {"rejected", "sender email address rejected"},
    {"rejected", "sender is spammer"},
    {"rejected", "sender not pre-approved"},
    {"rejected", "rejected by batv defense"},
    {"rejected", "unsigned dsn for"},
    {"rejected", "unroutable sender address"},
    {"filtered", "only accepting mail from specific email addresses"},
    {"filtered", "bounced address"},
    {"filtered", "has restricted sms e-mail"},
    {"filtered", "refused due to recipient preferences"},
    {"filtered", "resolver.rst.notauthorized"},
    {"filtered", "this account is protected by"},
    {"filtered", "user reject"},
    {"filtered", "recipient id refuse to receive mail"},
    {"filtered", "you have been blocked by the recipient"},
    {"suspend", "is currently suspended"},
    {"suspend", "temporary locked"},
    {"suspend", "boite du destinataire archivee"},
    {"suspend", "invalid/inactive user"},
    {"suspend", "is a deactivated mailbox"},
    {"suspend", "mailbox currently suspended"},
    {"suspend", "mailbox unavailable or access denied"},
    {"suspend", "recipient rejected: temporarily inactive"},
    {"suspend", "recipient suspend the service"},
    {"suspend", "account is locked email bounced"},
    {"suspend", "due to extended inactivity new mail is not currently being accepted"},
    {"spamdetected", "help_spam_16.htm"},
    {"spamdetected", "block for spam"},
    {"spamdetected", "no spam please"},
    {"spamdetected", "blocked by spamassassin"},
    {"spamdetected", "att.net/blocks"},
    {"spamdetected", "identified this email as a bulk email"},
    {"spamdetected", "denied due to spam list"},
    {"spamdetected", "high probability of spam"},
    {"spamdetected", "listed in work.drbl.imedia.ru"},
    {"spamdetected", "may consider spam"},
    {"spamdetected", "message contains spam or virus"},
    {"spamdetected", "message filtered. please see the faqs section on spam"},
    {"spamdetected", "seems to be a spam"},
    {"spamdetected", "spamprofiler"},
    {"spamdetected", "message rejected because of unacceptable content"},
    {"spamdetected", "message was rejected for possible spam/virus content"},
    {"spamdetected", "email server thinks this email is spam"},
    {"spamdetected", "reject bulk.advertising"},
    {"spamdetected", "rejecting banned content"},
    {"spamdetected", "rejecting mail content"},
    {"spamdetected", "spam blocked"},
    {"spamdetected", "spam check"},
    {"spamdetected", "spam email"},
    {"spamdetected", "spam not accepted"},
    {"spamdetected", "spam refused"},
    {"spamdetected", "spam rejection"},
    {"spamdetected", "spambouncer identified spam"},
    {"spamdetected", "spamming not allowed"},
    {"spamdetected", "too much spam"},
    {"spamdetected", "looked like spam"},
    {"spamdetected", "recurrent pattern detection system"},
    {"spamdetected", "we dont accept spam"},
    {"spamdetected", "similar to spam we have received before"},
    {"spamdetected", "is probably spam"},
    {"spamdetected", "temporarily blocked by our filter"},
    {"spamdetected", "triggered a spam block"},
    {"spamdetected", "failed several antispam checks"},
    {"spamdetected", "percent probability of being spam"},
    {"policyviolation", "by non-member to a members-only list"},
    {"policyviolation", "closed mailing list"},
    {"policyviolation", "email rejected due to security policies"},
    {"policyviolation", "message bounced due to organizational settings"},
    {"policyviolation", "message given low priority"},
    {"policyviolation", "message rejected due to local policy"},
    {"policyviolation", "is not subscribed to this group"},
    {"policyviolation", "rejected by organization policy"},
    {"policyviolation", "we do not accept messages containing images or other attachments"},
    {"policyviolation", "without solving a captcha"},
    {"policyviolation", "you're using a mass mailer"},
    {"policyviolation", "you are using a mass mailer"},
    {"norelaying", "requires authentication when attempting to send to a non-local e-mail address"},
    {"norelaying", "domain isn't in my list of allowed rcpthost"},
    {"notaccept", "smtp protocol returned a permanent error"},
    {"securityerror", "account not subscribed to ses"},
    {"securityerror", "authentication credentials invalid"},
    {"securityerror", "authentication failure"},
    {"securityerror", "authentication turned on in your email client"},
    {"securityerror", "executable files are not allowed in compressed files"},
    {"securityerror", "verification failure"},
    {"securityerror", "you are not authorized to send mail, authentication is required"},
    {"securityerror", "authentication failed; server"},
    {"securityerror", "is not authorized to perform ses:sendrawemail"},
    {"systemerror", "can't create user output file"},
    {"systemerror", "could not load drd for domain"},
    {"systemerror", "interrupted system call"},
    {"systemerror", "encountered an error while being processed"},
    {"systemerror", "loop was found in the mail exchanger"},
    {"systemerror", "loops back to myself"},
    {"systemerror", "queue file write error"},
    {"systemerror", "there is no mdb"},
    {"systemerror", "remote server is misconfigured"},
    {"systemerror", "temporary local problem"},
    {"networkerror", "dns records for the destination computer could not be found"},
    {"networkerror", "host is unreachable"},
    {"networkerror", "malformed name server reply"},
    {"networkerror", "message looping"},
    {"networkerror", "unable to resolve route"},
    {"toomanyconn", "max emails per hour"},
    {"toomanyconn", "daily message quota exceeded"},
    {"toomanyconn", "too many errors from your ip"},
    {"toomanyconn", "too many smtp sessions for this host"},
    {"toomanyconn", "trop de connexions"},
    {"toomanyconn", "made numerous attempts to deliver this message"},
    {"expired", "could not find a gateway for"},
    {"expired", "it has not been collected after"},
    {"expired", "server did not respond"},
    {"expired", "not reachable within the allowed queue period"},
    {"mesgtoobig", "exceeded maximum inbound message size"},
    {"mesgtoobig", "max message size exceeded"},
    {"badreputation", "a poor email reputation score"},
    {"badreputation", "ip/domain reputation problems"},
    {"virusdetected", "potentially executable attachment"},
    {"contenterror", "header size exceeds maximum permitted"},
    {"contenterror", "mime complexity exceeds the policy maximum"},
    {"contenterror", "too many received: headers"},
    {"contenterror", "invalid mime headers"},
    {"contenterror", "improperly-formatted binary content"},
    {"contenterror", "unnecessary base64 encoding"},
    {"speeding", "please try again slower"},
    {"mailererror", "bin/maildrop"},
    {"mailererror", "bin/procmail"},
    {"mailererror", "pipe to |"},

    {"userunknown", "in name directory"},
    {"userunknown", "nonexistent user"},
    {"userunknown", "non-existent user"},
    {"userunknown", "unknown e-mail address"},
    {"userunknown", "unknown email address"},
    {"userunknown", "does not exist at the organization"},
    {"securityerror", "authentification requise"},
    {"securityerror", "is a dead domain"},
    {"requireptr", "mismatches client ip"},
    {"requireptr", "reverse dns lookup for host"},
    {"requireptr", "forbidden by invalid rdns record"},
    {"authfailure", "per it's spf record"},

    {"blocked", "said: 550 blocked"},
    {"blocked", "bad sender ip address"},
    {"blocked", "confirm this mail server"},
    {"blocked", "connection dropped"},
    {"blocked", "connection reset by peer"},
    {"blocked", "connection was dropped by remote host"},
    {"blocked", "currently sending spam see:"},
    {"blocked", "dynamic/zombied/spam ips blocked"},
    {"blocked", "esmtp not accepting connections"},
    {"blocked", "extreme bad ip profile"},
    {"blocked", "go away"},
    {"blocked", "helo command rejected:"},
    {"blocked", "host network not allowed"},
    {"blocked", "invalid ip for sending mail of domain"},
    {"blocked", "no access from mail server"},
    {"blocked", "no matches to nameserver query"},
    {"blocked", "refused - see http"},
    {"blocked", "has not passed validation"},
    {"blocked", "rejecting open proxy"},
    {"blocked", "service not available, closing transmission channel"},
    {"blocked", "smtp error from remote mail server after initial connection:"},
    {"blocked", "looks suspiciously like spammer"},
    {"badreputation", "temporarily deferred due to unexpected volume or user complaints"},  // Yahoo [TSS04], outside Yahoo's own table
    {"blocked", "to submit messages to this e-mail system has been rejected"},
    {"blocked", "too many unwanted messages have been sent from the following ip address"},
    {"blocked", "you are not allowed to connect"},
    {"blocked", "you are sending spam"},
    {"blocked", "your server requires confirmation"},
    {"userunknown", "weil die adresse nicht gefunden wurde"},

    {"rejected", "sender blacklisted"},
    {"rejected", "isn't on the recipient's list of senders to accept mail from"},
    {"rejected", "denied by secumail valid-address-filter"},
    {"rejected", "email address is on senderfilterconfig list"},
    {"rejected", "sending this from a different address or alias using the"},
    {"rejected", "sender address has been blacklisted"},
    {"rejected", "sender is in my black list"},
    {"rejected", "spam reporting address"},
    {"rejected", "this server does not accept mail from"},
    {"rejected", "you are not allowed to post to this mailing list"},
    {"rejected", "your email address has been blacklisted"},
    {"expired", "delivery expired"},
    {"expired", "failed to deliver to domain"},
    {"expired", "message expired, cannot connect to remote server"},
    {"expired", "message expired, connection refu"},
    {"expired", "unable to deliver message after multiple retries"},
    {"expired", "could not be delivered for more than"},
    {"hostunknown", "unroutable address"},
    {"mailboxfull", "mailbox exceeds allowed size"},

    {"spamdetected", "rejected - bulk email"},
    {"spamdetected", "too many spam complaints"},
    {"filtered", "message rejected due to user rules"},
    {"filtered", "not found recipient account"},
    {"filtered", "user refuses to receive this mail"},
    {"suspend", "archived recipient"},
    {"suspend", "has been suspended"},
    {"suspend", "user is terminated"},
    {"suspend", "email account that you tried to reach is inactive"},
    {"suspend", "account has been temporarily suspended"},
    {"suspend", "user or domain is disabled"},

    {"securityerror", "authentification invalide"},
    {"norelaying", "as a relay"},
    {"norelaying", "is not permitted to relay through this server"},
    {"norelaying", "not a gateway"},
    {"norelaying", "not an open relay"},
    {"norelaying", "specified domain is not allowed"},
    {"norelaying", "not configured to relay mail"},
    {"norelaying", "we don't handle mail for"},

    {"mesgtoobig", "exceeded the maximum incoming message size"},
    {"mesgtoobig", "line limit exceeded"},
    {"mesgtoobig", "taille limite du message atteinte"},

    {"notaccept", "mail receiving disabled"},
    {"notaccept", "no route for current request"},

    {"authfailure", "doesn't meet the required authentication level"},
    {"authfailure", "sender policy framework violation"},
    {"authfailure", "address doesn't meet the authentication requirements"},
    {"badreputation", "none/bad reputation"},

    // --- classic plain-text notices (1990s-2000s MTAs) ---
    // qmail-remote: "Sorry, I couldn't find any host named x. (#5.1.2)", "Connected to x but
    // sender was rejected."; Sendmail: "User not local; please try <x>" (RFC 5321 551),
    // "Cannot send message for 5 days", "Warning: could not send message for past 4 hours";
    // GroupWise: "the user's mailfile is full"; Sun/Netscape Messaging: "has been replaced by".
    {"hostunknown", "couldn't find any host named"},
    {"hostunknown", "couldn't find any host by that name"},
    {"rejected", "but sender was rejected"},
    {"hasmoved", "not local; please try"},
    {"hasmoved", "has been replaced by"},
    {"expired", "cannot send message for"},
    {"expired", "could not send message for"},
    {"mailboxfull", "mailfile is full"},
    {"mailboxfull", "mailbox is currently full"},
    // Exchange 2000/2003 NDR texts: "The destination server for this recipient could not be found
    // in Domain Name Service (DNS)", "the recipient's destination e-mail system is unknown or
    // invalid", "...did not accept the message because it was too large", "A configuration error
    // in the e-mail system caused the message to bounce between two servers".
    {"hostunknown", "could not be found in domain name service"},
    {"hostunknown", "destination email system is unknown"},
    {"hostunknown", "destination e-mail system is unknown"},
    {"mesgtoobig", "because it was too large"},
    {"networkerror", "bounce between two servers"},
    // IBM Domino router: "No route found to domain x from server y", "recipient's mail file is
    // full"; GroupWise: "the user was not found"; CommuniGate Pro: "Relaying is prohibited";
    // Postfix: "mail forwarding loop for x"; Sendmail: "Local configuration error".
    {"hostunknown", "no route found to domain"},
    {"mailboxfull", "mail file is full"},
    {"userunknown", "user was not found"},
    {"norelaying", "relaying is prohibited"},
    {"networkerror", "forwarding loop"},
    {"systemerror", "configuration error"},
};

}  // namespace

// Generic refusals that, said in reply to MAIL FROM, can only be about the sender.
constexpr std::string_view kMailStageRefusals[] = {"access denied", "permission denied"};

// Replies saying the receiver checked our envelope sender and it failed (Exim's sender callout,
// Postfix's reject_unverified_sender and sender restrictions). Such a reply often quotes what the
// check found, "Unrouteable address" or "User unknown", and those words are about the sender.
constexpr std::string_view kSenderCheckFailures[] = {"sender verify failed", "sender verification failed",
                                                     "sender address rejected", "could not verify sender"};

std::span<const ReasonPhrase> reason_phrases() { return kPhrases; }
std::span<const std::string_view> mail_stage_refusals() { return kMailStageRefusals; }
std::span<const std::string_view> sender_check_failures() { return kSenderCheckFailures; }

}  // namespace dsn::classify
