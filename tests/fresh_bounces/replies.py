"""Documented real-world SMTP replies of receiving mail systems, with the verdict each one must get.

Each Reply is what a receiver answers (at RCPT or after DATA, or by saying nothing at all), the reason and
type a bounce built from it must be classified as (Sisimai v5.1 vocabulary; hard only for userunknown,
hostunknown, hasmoved and permanent notaccept: ../shared/reference/bounces.md §4-5), and where the wording
is documented. Variable parts (addresses, IPs, ids) are filled in per message: {rcpt} is the recipient,
{ip} the sending IP as the receiver saw it, {id} a random queue/transaction id.

A 4xx reply is given once: the MTAs under test are configured to give up after the first attempt
(Postfix maximal_queue_lifetime = 0, Exim without retry rules), so every reply ends in a failure DSN. Its
reason is the one the words state (a full mailbox stays mailboxfull when the MTA gives up on it), and
`expired` is accepted as well: the MTA did give up after its retry period, and Exim says so in the DSN
("retry timeout exceeded"), which Sisimai reads as expired.
"""
from dataclasses import dataclass

GMAIL_ERRORS = "https://support.google.com/a/answer/3726730 (Gmail SMTP errors and codes)"
MS_NDR = ("https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/"
          "non-delivery-reports-in-exchange-online (Exchange Online NDRs)")
YAHOO = "https://senders.yahooinc.com/smtp-error-codes/ and https://help.yahoo.com/kb/SLN3444.html"
SMTP_CODES = "https://smtp.codes/{} (receiver reply catalogue)"
POSTFIX = "Postfix postconf(5) / smtpd(8): {}"


@dataclass(frozen=True)
class Reply:
    key: str        # short stable name, printed in the tables
    receiver: str   # who answers this way
    domain: str     # recipient domain the receiver hosts (selects remote-host knowledge, as in real mail)
    stage: str      # RCPT | DATA | SILENT (accepts the connection, never greets)
    lines: tuple    # reply lines "CODE[- ]text"; the last line uses a space
    reason: str     # expected Sisimai v5.1 reason
    type: str       # expected hard | soft
    source: str

    def accepted_reasons(self):
        temporary = self.stage == "SILENT" or (self.lines and self.lines[0].startswith("4"))
        return (self.reason, "expired") if temporary else (self.reason,)


def _r(key, receiver, domain, stage, text, reason, type_, source):
    """`text` is one or more lines separated by newlines, each starting with the reply code; the
    continuation marks (550-) are added here."""
    raw = [line for line in text.strip("\n").split("\n")]
    lines = []
    for i, line in enumerate(raw):
        code, rest = line[:3], line[4:] if len(line) > 3 else ""
        lines.append("%s%s%s" % (code, " " if i == len(raw) - 1 else "-", rest))
    return Reply(key, receiver, domain, stage, tuple(lines), reason, type_, source)


REPLIES = [
    # --- Gmail ---
    _r("gmail-nosuchuser", "Gmail", "gmail.com", "RCPT", """
550 5.1.1 The email account that you tried to reach does not exist. Please try
550 5.1.1 double-checking the recipient's email address for typos or
550 5.1.1 unnecessary spaces. For more information, go to
550 5.1.1  https://support.google.com/mail/?p=NoSuchUser {id} - gsmtp""", "userunknown", "hard", GMAIL_ERRORS),
    _r("gmail-disabled", "Gmail", "gmail.com", "RCPT", """
550 5.2.1 The email account that you tried to reach is disabled. For more
550 5.2.1 information, go to
550 5.2.1  https://support.google.com/mail/?p=DisabledUser {id} - gsmtp""", "suspend", "soft", GMAIL_ERRORS),
    _r("gmail-overquota", "Gmail", "gmail.com", "RCPT", """
552 5.2.2 The recipient's inbox is out of storage space and inactive. Please direct
552 5.2.2 the recipient to
552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm {id} - gsmtp""", "mailboxfull", "soft", GMAIL_ERRORS),
    _r("gmail-overquota-temp", "Gmail", "gmail.com", "RCPT", """
452 4.2.2 The recipient's inbox is out of storage space. Please direct the
452 4.2.2 recipient to
452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp {id} - gsmtp""", "mailboxfull", "soft", GMAIL_ERRORS),
    _r("gmail-ratelimit", "Gmail", "gmail.com", "RCPT", """
450 4.2.1 The user you are trying to contact is receiving mail at a rate that
450 4.2.1 prevents additional messages from being delivered. Please resend your
450 4.2.1 message at a later time. If the user is able to receive mail at that
450 4.2.1 time, your message will be delivered. For more information, go to
450 4.2.1  https://support.google.com/mail/?p=ReceivingRatePerm {id} - gsmtp""", "speeding", "soft", GMAIL_ERRORS),
    _r("gmail-spam", "Gmail", "gmail.com", "DATA", """
550 5.7.1 [{ip}] Our system has detected that this message is
550 5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,
550 5.7.1 this message has been blocked. For more information, go to
550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError {id} - gsmtp""", "spamdetected", "soft",
       GMAIL_ERRORS),
    _r("gmail-dmarc", "Gmail", "gmail.com", "DATA", """
550 5.7.26 Unauthenticated email from lists.example.com is not accepted due to domain's
550 5.7.26 DMARC policy. Please contact the administrator of lists.example.com domain if
550 5.7.26 this was a legitimate mail. To learn about the DMARC initiative, go to
550 5.7.26  https://support.google.com/mail/?p=DmarcRejection {id} - gsmtp""", "authfailure", "soft", GMAIL_ERRORS),
    _r("gmail-toobig", "Gmail", "gmail.com", "DATA", """
552 5.3.4 Your message exceeded Google's message size limits. For more information,
552 5.3.4 go to
552 5.3.4  https://support.google.com/mail/?p=MaxSizeError {id} - gsmtp""", "mesgtoobig", "soft", GMAIL_ERRORS),

    # --- Microsoft 365 / Outlook.com ---
    _r("outlook-mailbox-unavailable", "Outlook.com", "outlook.com", "RCPT",
       "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
       "userunknown", "hard", MS_NDR + "; " + SMTP_CODES.format("outlook")),
    _r("m365-recipient-not-found", "Microsoft 365", "contoso.onmicrosoft.com", "RCPT",
       "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
       "userunknown", "hard", MS_NDR + " (5.1.10)"),
    _r("m365-dbeb", "Microsoft 365", "contoso.onmicrosoft.com", "RCPT",
       "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [AM6EUR05FT018.eop-eur05.prod.protection.outlook.com]",
       "userunknown", "hard", MS_NDR + " (5.4.1, Directory-Based Edge Blocking: the recipient does not exist)"),
    _r("outlook-blocklist", "Outlook.com", "hotmail.com", "RCPT",
       "550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider "
       "since part of their network is on our block list (S3150). You can also refer your provider to "
       "http://mail.live.com/mail/troubleshooting.aspx#errors. [VI1EUR04FT011.eop-eur04.prod.protection.outlook.com]",
       "blocked", "soft", MS_NDR + " (S3150); " + SMTP_CODES.format("outlook")),
    _r("exchange-quota", "Exchange", "contoso.onmicrosoft.com", "DATA",
       "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded",
       "mailboxfull", "soft", MS_NDR + " (5.2.2)"),
    _r("exchange-content-filter", "Exchange", "contoso.onmicrosoft.com", "DATA",
       "550 5.7.1 Message rejected as spam by Content Filtering.",
       "spamdetected", "soft", "Exchange Set-ContentFilterConfig -RejectionResponse default"),

    # --- Yahoo / AOL ---
    _r("yahoo-dd-nouser", "Yahoo", "yahoo.com", "RCPT",
       "554 delivery error: dd This user doesn't have a yahoo.com account ({rcpt}) [0] - mta1042.mail.ne1.yahoo.com",
       "userunknown", "hard", YAHOO),
    _r("yahoo-dd-overquota", "Yahoo", "yahoo.com", "RCPT",
       "554 delivery error: dd Sorry, your message to {rcpt} cannot be delivered. This account is over quota. "
       "[0] - mta1042.mail.ne1.yahoo.com", "mailboxfull", "soft", YAHOO),
    _r("yahoo-dd-disabled", "Yahoo", "yahoo.com", "RCPT",
       "554 delivery error: dd Sorry your message to {rcpt} cannot be delivered. This account has been disabled "
       "or discontinued [#102]. - mta1042.mail.ne1.yahoo.com", "suspend", "soft", YAHOO),
    _r("yahoo-bl21-spamhaus", "Yahoo", "yahoo.com", "RCPT",
       "553 5.7.1 [BL21] Connections will not be accepted from {ip}, because the ip is in Spamhaus's list; "
       "see https://postmaster.yahooinc.com/error-codes", "blocked", "soft", YAHOO + " (BL21)"),

    # --- Apple iCloud ---
    _r("icloud-nouser", "iCloud", "icloud.com", "RCPT", "550 5.1.1 <{rcpt}>: user does not exist",
       "userunknown", "hard", SMTP_CODES.format("icloud")),
    _r("icloud-overquota", "iCloud", "icloud.com", "RCPT", "452 4.2.2 <{rcpt}>: user is over quota",
       "mailboxfull", "soft", SMTP_CODES.format("icloud")),
    _r("icloud-dmarc", "iCloud", "icloud.com", "DATA",
       "550 5.7.1 Your message was rejected due to lists.example.com's DMARC policy. See "
       "https://support.apple.com/en-us/HT204137", "authfailure", "soft", SMTP_CODES.format("icloud")),

    # --- GMX / WEB.DE (United Internet) ---
    _r("gmx-unavailable", "GMX", "gmx.net", "RCPT",
       "550 Requested action not taken: mailbox unavailable", "userunknown", "hard",
       SMTP_CODES.format("unitedinternet") + "; https://support.gmx.com/email/composing-and-sending/bounce-reject.html"),
    _r("webde-storage", "WEB.DE", "web.de", "RCPT",
       "552 Benutzer hat das Speichervolumen ueberschritten. / User has exhausted allowed storage space.",
       "mailboxfull", "soft", "https://postmaster.web.de (error messages); " + SMTP_CODES.format("unitedinternet")),
    _r("gmx-spf", "GMX", "gmx.net", "RCPT",
       "550 Reject due to SPF policy. The originating IP of the message is not permitted by the domain owner",
       "authfailure", "soft", SMTP_CODES.format("unitedinternet")),

    # --- Orange ---
    _r("orange-ofr416-nouser", "Orange", "orange.fr", "RCPT",
       "550 5.1.1 <{rcpt}>: Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]",
       "userunknown", "hard", SMTP_CODES.format("orange") + "; https://postmaster.orange.fr"),
    _r("orange-ofr417-full", "Orange", "orange.fr", "RCPT",
       "552 5.1.1 <{rcpt}>: Boite du destinataire pleine. Recipient mailbox full. OFR_417 [417]",
       "mailboxfull", "soft", SMTP_CODES.format("orange") + "; https://postmaster.orange.fr"),

    # --- Mail.ru / Yandex ---
    _r("mailru-nouser", "Mail.ru", "mail.ru", "RCPT",
       "550 Message was not accepted -- invalid mailbox.  Local mailbox {rcpt} is unavailable: user not found",
       "userunknown", "hard", SMTP_CODES.format("mailru") + "; https://help.mail.ru/mail/error"),
    _r("mailru-spam", "Mail.ru", "mail.ru", "DATA",
       "550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c={id} or report details "
       "to abuse@corp.mail.ru. Error code: {id}. ID: {id}.", "spamdetected", "soft", SMTP_CODES.format("mailru")),
    _r("yandex-nouser-5.7.1", "Yandex", "yandex.ru", "RCPT", "550 5.7.1 No such user!",
       "userunknown", "hard", SMTP_CODES.format("yandex") + "; https://yandex.com/support/mail/error-codes"),
    _r("yandex-spam", "Yandex", "yandex.ru", "DATA",
       "554 5.7.1 [2] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc {id}",
       "spamdetected", "soft", SMTP_CODES.format("yandex")),

    # --- Zoho / QQ ---
    _r("zoho-nouser", "Zoho", "zoho.com", "RCPT", "550 5.1.1 User does not exist - <{rcpt}>",
       "userunknown", "hard", SMTP_CODES.format("zoho") + "; https://www.zoho.com/mail/help/adminconsole/"),
    _r("qq-notfound", "QQ Mail", "qq.com", "RCPT",
       "550 Mailbox not found. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728",
       "userunknown", "hard", SMTP_CODES.format("qq") + "; https://service.mail.qq.com (no=1000728)"),
    _r("qq-content", "QQ Mail", "qq.com", "DATA",
       "550 Mail content denied. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000726",
       "spamdetected", "soft", SMTP_CODES.format("qq") + "; https://service.mail.qq.com (no=1000726)"),

    # --- filtering gateways ---
    _r("proofpoint-ipblock", "Proofpoint", "pp-customer.example", "RCPT",
       "554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip={ip}",
       "blocked", "soft", SMTP_CODES.format("proofpoint") + "; https://ipcheck.proofpoint.com"),
    _r("proofpoint-spam", "Proofpoint", "pp-customer.example", "DATA",
       "550 5.7.1 Message blocked due to spam content in the message.",
       "spamdetected", "soft", SMTP_CODES.format("proofpoint")),
    _r("mimecast-invalid", "Mimecast", "mc-customer.example", "RCPT",
       "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 [{id}.uk37]",
       "userunknown", "hard", "https://community.mimecast.com/docs/DOC-1369 (Mimecast SMTP error codes)"),

    # --- DNS block lists as receivers' MTAs word them ---
    _r("dnsbl-zen-postfix", "Postfix + Spamhaus ZEN", "dnsbl-site.example", "RCPT",
       "554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org; "
       "https://www.spamhaus.org/query/ip/{ip}", "blocked", "soft",
       POSTFIX.format("default_rbl_reply") + "; https://www.spamhaus.org/faq"),
    _r("dnsbl-spamcop-postfix", "Postfix + SpamCop", "dnsbl-site.example", "RCPT",
       "554 5.7.1 Service unavailable; Client host [{ip}] blocked using bl.spamcop.net; "
       "Blocked - see https://www.spamcop.net/bl.shtml?{ip}", "blocked", "soft", POSTFIX.format("default_rbl_reply")),
    _r("dnsbl-exim", "Exim + DNSBL", "dnsbl-site.example", "RCPT",
       "550 rejected because {ip} is in a black list at zen.spamhaus.org", "blocked", "soft",
       "Exim spec, ACL dnslists condition (default message)"),

    # --- content filters ---
    _r("spamassassin-milter", "spamass-milter", "filtered-site.example", "DATA", "550 5.7.1 Blocked by SpamAssassin",
       "spamdetected", "soft", "spamass-milter(1), -r option"),
    _r("amavis-spam", "amavisd-new", "filtered-site.example", "DATA",
       "554 5.7.0 Reject, id={id} - spam", "spamdetected", "soft", "amavisd-new, final_spam_destiny D_REJECT"),
    _r("amavis-virus", "amavisd-new", "filtered-site.example", "DATA",
       "554 5.7.0 Reject, id={id} - INFECTED: Eicar-Signature", "virusdetected", "soft",
       "amavisd-new, final_virus_destiny D_REJECT"),
    _r("rspamd-spam", "rspamd", "filtered-site.example", "DATA", "554 5.7.1 Spam message rejected",
       "spamdetected", "soft", "https://rspamd.com/doc/ (reject action, default message)"),

    # --- generic MTAs at the receiving end ---
    _r("postfix-unknown-local", "Postfix", "small-isp.example", "RCPT",
       "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table",
       "userunknown", "hard", POSTFIX.format("local_recipient_maps")),
    _r("postfix-unknown-virtual", "Postfix", "small-isp.example", "RCPT",
       "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
       "userunknown", "hard", POSTFIX.format("virtual_mailbox_maps")),
    _r("postfix-domain-not-found", "Postfix relay", "no-such-domain.example", "RCPT",
       "550 5.1.2 <{rcpt}>: Recipient address rejected: Domain not found",
       "hostunknown", "hard", POSTFIX.format("reject_unknown_recipient_domain")),
    _r("postfix-relay-denied", "Postfix", "small-isp.example", "RCPT",
       "554 5.7.1 <{rcpt}>: Relay access denied", "norelaying", "soft", POSTFIX.format("reject_unauth_destination")),
    _r("postfix-size-limit", "Postfix", "small-isp.example", "DATA",
       "552 5.3.4 Message size exceeds fixed limit", "mesgtoobig", "soft", POSTFIX.format("message_size_limit")),
    _r("dovecot-quota", "Dovecot LMTP", "small-isp.example", "DATA",
       "552 5.2.2 <{rcpt}> Quota exceeded (mailbox for user is full)", "mailboxfull", "soft",
       "Dovecot quota plugin, quota_exceeded_message default"),
    _r("tonline-overquota", "T-Online", "t-online.de", "RCPT", "552 5.2.2 Over STORAGE quota",
       "mailboxfull", "soft", "sitepackage.de list of typical bounce replies (T-Online)"),
    _r("gmx-inactive", "GMX", "gmx.de", "RCPT", "550 5.2.1 <{rcpt}>... User is inactive", "suspend", "soft",
       "sitepackage.de list of typical bounce replies (GMX)"),
    # --- more wording of the same receivers and of the MTAs and filters in front of mailboxes ---
    _r("gmail-ptr", "Gmail", "gmail.com", "RCPT", """
550 5.7.25 [{ip}] The IP address sending this message does not have a
550 5.7.25 PTR record setup, or the corresponding forward DNS entry does not
550 5.7.25 point to the sending IP. As a policy, Gmail does not accept messages
550 5.7.25 from IPs with missing PTR records. For more information, go to
550 5.7.25  https://support.google.com/mail/answer/81126#ip-practices {id} - gsmtp""", "requireptr", "soft",
       GMAIL_ERRORS),
    _r("gmail-messageid", "Gmail", "gmail.com", "DATA", """
550 5.7.1 Messages missing a valid Message-ID header are not accepted. For more
550 5.7.1 information, go to
550 5.7.1  https://support.google.com/mail/?p=RfcMessageNonCompliant {id} - gsmtp""", "notcompliantrfc", "soft",
       GMAIL_ERRORS),
    _r("gmail-unsolicited-rate", "Gmail", "gmail.com", "RCPT", """
421 4.7.28 [{ip}] Our system has detected an unusual rate of
421 4.7.28 unsolicited mail originating from your IP address. To protect our
421 4.7.28 users from spam, mail sent from your IP address has been temporarily
421 4.7.28 rate limited. For more information, go to
421 4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError {id} - gsmtp""", "blocked", "soft",
       GMAIL_ERRORS),
    _r("m365-banned-ip", "Microsoft 365", "contoso.onmicrosoft.com", "RCPT",
       "550 5.7.606 Access denied, banned sending IP [{ip}]. To request removal from this list please visit "
       "https://sender.office.com/ and follow the directions.", "blocked", "soft", MS_NDR + " (5.7.606-649)"),
    _r("m365-dmarc", "Microsoft 365", "contoso.onmicrosoft.com", "DATA",
       "550 5.7.509 Access denied, sending domain lists.example.com does not pass DMARC verification and has a "
       "DMARC policy of reject.", "authfailure", "soft", MS_NDR + " (5.7.509)"),
    _r("m365-hop-count", "Microsoft 365", "contoso.onmicrosoft.com", "DATA",
       "554 5.4.14 Hop count exceeded - possible mail loop ATTR34", "networkerror", "soft", MS_NDR + " (5.4.14)"),
    _r("yahoo-policy", "Yahoo", "yahoo.com", "DATA",
       "554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes",
       "policyviolation", "soft", YAHOO),
    _r("yahoo-mailbox-disabled", "Yahoo", "yahoo.com", "RCPT",
       "554 30 Sorry, your message to {rcpt} cannot be delivered. This mailbox is disabled (554.30).",
       "suspend", "soft", YAHOO),
    _r("comcast-not-customer", "Comcast", "comcast.net", "RCPT", "550 5.1.1 <{rcpt}> Not our Customer",
       "userunknown", "hard", "https://postmaster.comcast.net/smtp-error-codes.php"),
    _r("comcast-bl", "Comcast", "comcast.net", "RCPT",
       "554 resimta-ch2-18v.sys.comcast.net resimta-ch2-18v.sys.comcast.net {ip} found on one or more DNSBLs, "
       "see http://postmaster.comcast.net/smtp-error-codes.php#BL000001", "blocked", "soft",
       "https://postmaster.comcast.net/smtp-error-codes.php (BL000001)"),
    _r("icloud-proofpoint-block", "iCloud", "me.com", "RCPT",
       "550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip={ip}", "blocked", "soft",
       SMTP_CODES.format("icloud")),
    _r("barracuda-nsu", "Barracuda", "cuda-customer.example", "RCPT",
       "550 cuda_nsu 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual alias table",
       "userunknown", "hard", SMTP_CODES.format("barracuda")),
    _r("barracuda-brbl", "Barracuda", "cuda-customer.example", "RCPT",
       "554 Service unavailable; Client host [{ip}] blocked using Barracuda Reputation; "
       "http://www.barracudanetworks.com/reputation/?r=1&ip={ip}", "blocked", "soft", SMTP_CODES.format("barracuda")),
    _r("dnsbl-sorbs-postfix", "Postfix + SORBS", "dnsbl-site.example", "RCPT",
       "554 5.7.1 Service unavailable; Client host [{ip}] blocked using dnsbl.sorbs.net; Currently Sending Spam "
       "See: http://www.sorbs.net/lookup.shtml?{ip}", "blocked", "soft", POSTFIX.format("default_rbl_reply")),
    _r("postfix-no-ptr", "Postfix", "small-isp.example", "RCPT",
       "450 4.7.1 Client host rejected: cannot find your hostname, [{ip}]", "requireptr", "soft",
       POSTFIX.format("reject_unknown_client_hostname")),
    _r("postfix-system-storage", "Postfix", "small-isp.example", "RCPT", "452 4.3.1 Insufficient system storage",
       "systemfull", "soft", POSTFIX.format("queue_minfree")),
    _r("policyd-spf", "Postfix + policyd-spf", "small-isp.example", "RCPT",
       "550 5.7.23 <{rcpt}>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. "
       "Please see http://www.openspf.net/Why?s=mfrom;id=bounces@lists.example.com;ip={ip};r=<UNKNOWN>",
       "authfailure", "soft", "postfix-policyd-spf-python(1), reject reply"),
    _r("opendmarc-reject", "OpenDMARC", "small-isp.example", "DATA",
       "550 5.7.1 rejected by DMARC policy for lists.example.com", "authfailure", "soft",
       "opendmarc.conf(5), RejectFailures (reply text)"),
    _r("exim-sender-verify", "Exim", "exim-site.example", "RCPT", """
550 Verification failed for <bounces@lists.example.com>
550 Unrouteable address
550 Sender verify failed""", "rejected", "soft", "Exim spec, ACL verify = sender (default message)"),
    _r("qmail-rcpthosts", "qmail", "qmail-site.example", "RCPT",
       "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "norelaying", "soft",
       "qmail-smtpd(8), rcpthosts"),
    _r("qmail-databytes", "qmail", "qmail-site.example", "DATA",
       "552 sorry, that message size exceeds my databytes limit (#5.3.4)", "mesgtoobig", "soft",
       "qmail-smtpd(8), databytes"),
    _r("sendmail-disk", "Sendmail", "sendmail-site.example", "RCPT",
       "452 4.4.5 Insufficient disk space; try again later", "systemfull", "soft", "sendmail, MinFreeBlocks reply"),
    _r("sendmail-user-unknown", "Sendmail", "sendmail-site.example", "RCPT", "550 5.1.1 <{rcpt}>... User unknown",
       "userunknown", "hard", "sendmail, local mailer reply"),
    _r("null-mx", "RFC 7505 receiver", "null-mx.example", "RCPT", "556 5.1.10 Recipient address has null MX",
       "notaccept", "hard", "RFC 7505 section 4.3"),
    _r("gmail-low-reputation", "Gmail", "gmail.com", "RCPT", """
421 4.7.0 [{ip}] Our system has detected that this message is
421 4.7.0 suspicious due to the very low reputation of the sending IP address.
421 4.7.0 To protect our users from spam, mail sent from your IP address has
421 4.7.0 been temporarily rate limited. For more information, go to
421 4.7.0  https://support.google.com/mail/answer/188131 {id} - gsmtp""", "badreputation", "soft", GMAIL_ERRORS),
    _r("gmail-domain-policy", "Gmail", "googlemail.com", "DATA", """
550 5.7.1 The user or domain that you are sending to (or from) has a policy that
550 5.7.1 prohibited the mail that you sent. Please contact your domain
550 5.7.1 administrator for further details. For more information, go to
550 5.7.1  https://support.google.com/a/answer/172179 {id} - gsmtp""", "policyviolation", "soft", GMAIL_ERRORS),
    _r("m365-mime-limit", "Microsoft 365", "contoso.onmicrosoft.com", "DATA",
       "554 5.6.211 Invalid MIME Content: Single text value size (32004) exceeded allowed maximum (32000) for the "
       "'X-Long-Header' header.", "contenterror", "soft", MS_NDR + " (5.6.211)"),
    _r("netease-dtspm", "NetEase 163", "163.com", "DATA",
       "554 DT:SPM 163 smtp14,EsCowADHHu1{id}, please see http://mail.163.com/help/help_spam_16.htm?ip={ip}"
       "&hostid=smtp14&time=1796630400", "spamdetected", "soft",
       "https://help.mail.163.com (SMTP error codes: DT:SPM, content judged spam)"),
    _r("exim-spam-score", "Exim + SpamAssassin", "exim-site.example", "DATA",
       "550 This message scored 17.3 spam points.", "spamdetected", "soft",
       "Exim spec, content scanning at ACL time (spam condition example)"),
    _r("exim-malware", "Exim + ClamAV", "exim-site.example", "DATA",
       "550 This message contains a virus (Eicar-Signature).", "virusdetected", "soft",
       "Exim spec, content scanning at ACL time (malware condition example)"),
    _r("cyrus-nomailbox", "Cyrus LMTP", "cyrus-site.example", "RCPT", "550 5.1.1 Mailbox does not exist",
       "userunknown", "hard", "Cyrus IMAP lmtpd (IMAP_MAILBOX_NONEXISTENT reply)"),
    _r("sendmail-relaying-denied", "Sendmail", "sendmail-site.example", "RCPT",
       "550 5.7.1 <{rcpt}>... Relaying denied", "norelaying", "soft", "sendmail, check_rcpt ruleset reply"),
    _r("greeting-timeout", "unresponsive MX", "slow-mx.example", "SILENT", "", "expired", "soft",
       "RFC 5321 4.5.3.2 (timeouts); the MTA gives up after its queue lifetime"),
]


def by_key():
    return {r.key: r for r in REPLIES}
