#!/usr/bin/env python3
"""Writes the seed inputs of the webhook_providers, sns_url and milter_session fuzz targets from the
project's own fixtures (tests/fixtures) and unit-test vectors (tests/unit/webhooks), in each target's
input layout (see the comment at the top of tests/fuzz/fuzz_<target>.cpp). Re-run after changing a
layout or a vector:  python3 tests/fuzz/make_seeds.py
"""
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests/fuzz/seeds"
FIXTURES = ROOT / "tests/fixtures"
CAMPAIGN = "d6da0074-1084-4aa1-9c62-65fde375d33c"
# Index of each provider in webhooks/registry.cpp's table (the target picks it by the first byte).
PROVIDERS = ["ses", "sendgrid", "postmark", "mailgun", "sparkpost", "mailjet", "brevo", "mandrill", "resend",
             "forwardemail", "lettermint", "azure", "postal"]
SIGNED, FETCH_CERT, FETCH_FUZZ_OK, COMMIT_REPLAY = 1, 2, 4, 8


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def webhook(name, provider, flags, body, headers=(), fetch=None):
    # Header lines, then the empty line that ends them (alone when there are none).
    head = "".join(f"{h}\n" for h in headers) if headers else "\n"
    data = bytes([PROVIDERS.index(provider), flags]) + (head + "\n").encode()
    data += body.encode() if isinstance(body, str) else body
    if fetch is not None:
        data += b"\n--fetch--\n" + fetch.encode()
    write("webhook_providers", name, data)


def ses_envelope(message, kind="Notification", **extra):
    env = {"Type": kind, "MessageId": "792cda85-518f-5dd3-9163-81d851212f3a",
           "TopicArn": "arn:aws:sns:us-east-1:123456789012:bounces", "Message": message,
           "Timestamp": "2026-09-21T10:00:00.000Z", "SignatureVersion": "1", "Signature": "AAAA",
           "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"}
    env.update(extra)
    return json.dumps(env)


SES_BOUNCE = json.dumps({"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
    "bouncedRecipients": [{"emailAddress": "nope@nope.com", "action": "failed", "status": "5.1.1",
        "diagnosticCode": "smtp; 550 5.1.1 <nope@nope.com>: Recipient address rejected: User unknown"}],
    "timestamp": "2016-08-17T07:43:12.776Z"}, "mail": {"messageId": "0102015697743d4c", "destination": ["nope@nope.com"],
    "headersTruncated": False, "headers": [{"name": "X-Listmonk-Campaign", "value": CAMPAIGN}]}})
SES_COMPLAINT = json.dumps({"notificationType": "Complaint", "complaint": {"complainedRecipients": [
    {"emailAddress": "recipient@example.com"}], "complaintFeedbackType": "abuse",
    "timestamp": "2016-01-27T14:59:38.237Z"}, "mail": {"messageId": "m", "destination": ["recipient@example.com"]}})


def webhook_seeds():
    webhook("ses-bounce-signed", "ses", SIGNED, ses_envelope(SES_BOUNCE))
    webhook("ses-bounce-v2-signed", "ses", SIGNED, ses_envelope(SES_BOUNCE, SignatureVersion="2", Subject="x"))
    webhook("ses-complaint-signed", "ses", SIGNED | COMMIT_REPLAY, ses_envelope(SES_COMPLAINT))
    webhook("ses-subscription-signed", "ses", SIGNED | FETCH_FUZZ_OK,
            ses_envelope("You have chosen to subscribe", "SubscriptionConfirmation", Token="2336412f37",
                         SubscribeURL="https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:bounces&Token=2336412f37"),
            fetch="<ConfirmSubscriptionResponse></ConfirmSubscriptionResponse>")
    webhook("ses-unsubscribe", "ses", 0, ses_envelope("unsubscribed", "UnsubscribeConfirmation"))
    webhook("ses-unsigned-fetch-fuzz", "ses", FETCH_FUZZ_OK, ses_envelope(SES_BOUNCE), fetch="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    webhook("ses-unsigned-cert", "ses", FETCH_CERT, ses_envelope(SES_BOUNCE))
    for line_no, line in enumerate((FIXTURES / "webhooks/sns-vectors.jsonl").read_text().splitlines()):
        if line.strip():
            webhook(f"ses-aws-vector-{line_no}", "ses", 0, line)
    sendgrid = ('[{"bounce_classification":"Unclassified","email":"noemail@this.does.not.exist.tld","event":"bounce",'
                '"reason":"unable to get mx info","sg_event_id":"Ym91bmNlLTQ","timestamp":1740300320,"tls":0,"type":"blocked"},'
                '{"email":"NoReply@Example.com","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 '
                'The email account that you tried to reach does not exist.","sg_event_id":"lC0Rc","timestamp":1461095250,'
                f'"XListmonkCampaign":"{CAMPAIGN}"}},'
                '{"email":"b@example.com","event":"bounce","type":"bounce","bounce_classification":"Technical Failure","sg_event_id":"e4","timestamp":1},'
                '{"email":"d@example.com","event":"spamreport","sg_event_id":"e6","timestamp":1},'
                '{"email":"f@example.com","event":"delivered","sg_event_id":"e8","timestamp":1}]')
    webhook("sendgrid-batch-signed", "sendgrid", SIGNED, sendgrid)
    webhook("sendgrid-forged", "sendgrid", 0, sendgrid, ["X-Twilio-Email-Event-Webhook-Timestamp: 1790000000",
            "X-Twilio-Email-Event-Webhook-Signature: MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz/C+DtMsvpV4ZUnhIbo2qsHEnEGA6EuOrbyLxhXkM="])
    postmark = ('{"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"Email":"john@example.com",'
                '"BouncedAt":"2014-08-01T13:28:10.2735393-04:00","Details":"smtp;550 5.1.1 The email account does not exist.",'
                f'"Metadata":{{"X-Listmonk-Campaign":"{CAMPAIGN}"}}}}')
    webhook("postmark-bounce-signed", "postmark", SIGNED, postmark)
    webhook("postmark-wrong-password", "postmark", 0, postmark, ["Authorization: Basic ZnV6ei11c2VyOndyb25n"])
    webhook("postmark-complaint-signed", "postmark", SIGNED,
            '{"RecordType":"SpamComplaint","ID":7,"Email":"a@b.example","BouncedAt":"2026-01-01T00:00:00Z"}')
    mailgun_data = ('{"event":"failed","severity":"permanent","reason":"bounce","recipient":"invalid@example.com",'
                    '"timestamp":1534110422.389832,"message":{"headers":{"to":"invalid@example.com",'
                    f'"X-Listmonk-Campaign":"{CAMPAIGN}"}}}},"delivery-status":{{"code":550,"message":"5.1.1 The email account '
                    'that you tried to reach does not exist."},"user-variables":{"X-Listmonk-Campaign":"' + CAMPAIGN + '"}}')
    mailgun = ('{"signature":{"timestamp":"1403645220","token":"5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6",'
               '"signature":"9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33"},"event-data":' + mailgun_data + '}')
    webhook("mailgun-failed-signed", "mailgun", SIGNED | COMMIT_REPLAY, mailgun)
    webhook("mailgun-public-vector", "mailgun", 0, mailgun)
    webhook("mailgun-complained-signed", "mailgun", SIGNED,
            '{"event-data":{"event":"complained","recipient":"b@example.com","timestamp":1790000000}}')
    sparkpost = ('[{"msys":{"message_event":{"type":"bounce","bounce_class":"10","error_code":"550",'
                 '"raw_reason":"550 5.1.1 <bounce@example.com>: Recipient address rejected","rcpt_to":"bounce@example.com",'
                 f'"timestamp":"1454442600","event_id":"e1","rcpt_meta":{{"X-Listmonk-Campaign":"{CAMPAIGN}"}}}}}}}},'
                 '{"msys":{"message_event":{"type":"spam_complaint","rcpt_to":"c@example.com","event_id":"e2","timestamp":"1"}}},{"msys":{}}]')
    webhook("sparkpost-batch-signed", "sparkpost", SIGNED, sparkpost)
    mailjet = ('[{"event":"bounce","time":1498093527,"MessageID":12345,"email":"invalid@invalid.example","mj_campaign_id":0,'
               f'"CustomID":"{CAMPAIGN}","Payload":"","blocked":false,"hard_bounce":true,"error_related_to":"domain","error":"invalid domain"}},'
               '{"event":"bounce","time":1,"MessageID":2,"email":"b@example.com","hard_bounce":false,"error":"greylisted"},'
               '{"event":"spam","time":1,"MessageID":4,"email":"d@example.com","Payload":"{\\"X-Listmonk-Campaign\\":\\"' + CAMPAIGN + '\\"}"}]')
    webhook("mailjet-grouped-signed", "mailjet", SIGNED, mailjet)
    brevo = ('{"event":"hard_bounce","email":"not-a-user@example.com","id":1,"message-id":"<201803062010.27287306012@smtp-relay.mailin.fr>",'
             '"reason":"550 5.1.1 user unknown","ts_epoch":1520363423000,"X-Mailin-custom":"{\\"X-Listmonk-Campaign\\":\\"' + CAMPAIGN + '\\"}"}')
    webhook("brevo-hard-signed", "brevo", SIGNED, brevo)
    webhook("brevo-bad-token", "brevo", 0, brevo, ["Authorization: Bearer nope"])
    mandrill = ("mandrill_events=%5B%7B%22event%22%3A%22hard_bounce%22%2C%22ts%22%3A1700000000%2C%22msg%22%3A%7B%22email%22%3A%"
                "22bounce%40example.com%22%2C%22bounce_description%22%3A%22bad_mailbox%22%2C%22diag%22%3A%22smtp%3B550+5.1.1+"
                "user+unknown%22%2C%22metadata%22%3A%7B%22campaign_uuid%22%3A%22d6da0074-1084-4aa1-9c62-65fde375d33c%22%7D%7D%7D%5D")
    webhook("mandrill-form-signed", "mandrill", SIGNED, mandrill)
    webhook("mandrill-forged", "mandrill", 0, mandrill, ["X-Mandrill-Signature: c2lnbmF0dXJl"])
    resend = ('{"type":"email.bounced","created_at":"2026-09-21T10:00:00.000Z","data":{"email_id":"e-1","to":["Bounced '
              '<bounced@resend.dev>","other@example.com"],"headers":[{"name":"X-Listmonk-Campaign","value":"' + CAMPAIGN + '"}],'
              '"bounce":{"message":"550 5.1.1 no such user","type":"Permanent","subType":"General"}}}')
    webhook("resend-bounced-signed", "resend", SIGNED, resend, ["svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek"])
    webhook("resend-forged", "resend", 0, resend, ["svix-id: msg_1", "svix-timestamp: 1790000000",
                                                   "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="])
    forwardemail = ('{"recipient":"User@Example.com","email_id":"e1","bounce":{"category":"recipient","action":"reject",'
                    '"code":550,"status":"5.1.1","message":"550 5.1.1 no such user"},"headers":{"X-Listmonk-Campaign":"' + CAMPAIGN + '"},'
                    '"bounced_at":"2025-01-09T10:00:00.000Z"}')
    webhook("forwardemail-signed", "forwardemail", SIGNED, forwardemail)
    lettermint = ('{"id":"evt_1","event":"message.hard_bounced","timestamp":"2026-10-04T10:00:00Z","data":{"recipient":'
                  '"user@example.test","response":{"status_code":550,"enhanced_status_code":"5.1.1","content":"user unknown"},'
                  '"headers":[{"name":"X-Listmonk-Campaign","value":"' + CAMPAIGN + '"}],"metadata":{"X-Listmonk-Subscriber":"' + CAMPAIGN + '"}}}')
    webhook("lettermint-signed", "lettermint", SIGNED, lettermint)
    webhook("lettermint-malformed-header", "lettermint", 0, lettermint, ["X-Lettermint-Signature:  t=1790000000 , v1=4d86"])
    azure = ('[{"id":"a1","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-01-01T00:00:00Z",'
             '"data":{"recipient":"R@Example.com","messageId":"m","status":"Failed","deliveryStatusDetails":{"statusMessage":'
             '"550 5.1.1 mailbox unavailable"},"deliveryAttemptTimeStamp":"2026-01-01T00:00:01.1234567Z"}},'
             '{"id":"a2","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","data":{"recipient":"s@example.com",'
             '"status":"FilteredSpam","deliveryStatusDetails":{"statusMessage":"complaint"}}},{"eventType":"Other","data":{}}]')
    webhook("azure-reports-signed", "azure", SIGNED, azure)
    postal_failed = ('{"event":"MessageDeliveryFailed","timestamp":1790000000.5,"uuid":"pw-1","payload":{"status":"HardFail",'
                     '"details":"Permanent SMTP delivery error when sending to mx.example.net","output":"554 5.7.1 Client '
                     'host blocked using zen.spamhaus.org","timestamp":1789999990.1,"message":{"id":1,"to":"R@Example.com",'
                     '"message_id":"m1@postal","headers":{"X-Listmonk-Subscriber":"' + CAMPAIGN + '"}}}}')
    webhook("postal-failed-signed", "postal", SIGNED | COMMIT_REPLAY, postal_failed)
    webhook("postal-bounced-signed", "postal", SIGNED,
            '{"event":"MessageBounced","timestamp":1790000000,"uuid":"pw-2","payload":{"original_message":{"id":2,'
            '"to":"gone@example.org"},"bounce":{"id":3,"from":"MAILER-DAEMON@example.org"}}}')
    webhook("postal-forged", "postal", 0, postal_failed, ["X-Postal-Signature-256: c2lnbmF0dXJl"])
    webhook("azure-validation-query", "azure", 0,
            '[{"id":"x","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"512d38b6"}}]',
            ["?code=fuzz-azure-secret-8a7b", "aeg-event-type: SubscriptionValidation"])


def sns_url_seeds():
    urls = {
        "cert-url": "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem",
        "cert-url-cn": "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123abcd.pem",
        "cert-url-userinfo": "https://evil@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem",
        "cert-url-port": "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123abcd.pem",
        "cert-url-lookalike": "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0123abcd.pem",
        "cert-url-backslash": "https://evil.example\\@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem",
        "subscribe-url": "https://sns.us-east-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-2:123456789012:t&Token=2336412f37",
        "subscribe-url-fragment": "https://sns.us-east-2.amazonaws.com/?Action=ConfirmSubscription#x",
        "http-url": "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123abcd.pem",
        "ipv6-url": "https://[::1]:443/SimpleNotificationService-0123abcd.pem",
        "percent-host": "https://sns.us-east-1.amazonaws%2ecom/SimpleNotificationService-0123abcd.pem",
    }
    for name, url in urls.items():
        write("sns_url", name, url)
    for line_no, line in enumerate((FIXTURES / "webhooks/sns-vectors.jsonl").read_text().splitlines()):
        if line.strip():
            write("sns_url", f"aws-vector-{line_no}", line)
    write("sns_url", "lambda-spelling", ses_envelope("m", "SubscriptionConfirmation", SubscribeUrl="https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription", Token="t"))
    write("sns_url", "null-subject", ses_envelope("m", Subject=None))


# --- milter_session -------------------------------------------------------------------------------
MAIL, RCPT, DATA, HEADER, EOH, BODY, EOM, ABORT, CLOSE, RELOAD, SCRIPT = range(11)


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(b)) + b


def split_message(raw):
    """Headers (name, value with folding kept, as libmilter hands them over) and body of a message."""
    raw = raw.replace(b"\r\n", b"\n")
    head, _, body = raw.partition(b"\n\n")
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1][1] += b"\n" + line
        elif b":" in line:
            name, _, value = line.partition(b":")
            headers.append([name, value.lstrip(b" ")])
    return headers, body.replace(b"\n", b"\r\n")


def session(policy, size, ops):
    return bytes([policy, size]) + b"".join(ops)


def message_ops(raw, sender="<>", rcpts=("<bounces@lists.example.com>",), queue_id="4ABCD12345", chunk=4096):
    headers, body = split_message(raw)
    ops = [bytes([MAIL]) + s(sender)]
    for r in rcpts:
        ops.append(bytes([RCPT]) + s(r) + s(""))
    ops.append(bytes([DATA]))
    for name, value in headers[:40]:
        ops.append(bytes([HEADER]) + s(name) + s(value))
    ops.append(bytes([EOH]))
    for i in range(0, min(len(body), 3 * chunk), chunk):
        ops.append(bytes([BODY]) + s(body[i:i + chunk]))
    ops.append(bytes([EOM]) + s(queue_id))
    return ops


def milter_seeds():
    bounce = (FIXTURES / "milter/dsn-hard-listmonk.eml").read_bytes()
    human = (FIXTURES / "milter/human-reply.eml").read_bytes()
    write("milter_session", "real-capturer-discard", session(2 | 8, 255, message_ops(bounce)))
    write("milter_session", "real-capturer-tag", session(1 | 8, 255, message_ops(bounce, rcpts=("<Bounces+abc@Lists.Example.COM>",))))
    write("milter_session", "real-capturer-human-reply", session(2 | 8, 255, message_ops(human)))
    write("milter_session", "real-capturer-internal", session(2 | 8, 255, message_ops(bounce, sender="", rcpts=("bounces@lists.example.com",))))
    write("milter_session", "mixed-recipients-discard",
          session(2, 255, message_ops(bounce, rcpts=("<bounces@lists.example.com>", "<someone@else.example>"))))
    write("milter_session", "scripted-failure-tempfail", session(0, 255, [bytes([SCRIPT, 4])] + message_ops(bounce)))
    write("milter_session", "scripted-throw-accept", session(4, 255, [bytes([SCRIPT, 5])] + message_ops(bounce)))
    write("milter_session", "truncated-small-buffer", session(2 | 32, 1, message_ops(bounce, chunk=200)))
    write("milter_session", "no-bounce-recipient", session(2, 255, message_ops(human, sender="<a@b.example>", rcpts=("<x@y.example>",))))
    write("milter_session", "domain-scope-leading-space",
          session(2 | 16, 255, message_ops(bounce, rcpts=("<x@bounce.example.com>",))))
    two = message_ops(bounce) + [bytes([ABORT]), bytes([RELOAD, 1])] + message_ops(human) + [bytes([CLOSE])]
    write("milter_session", "abort-reload-second-message", session(2, 255, two))
    write("milter_session", "rcpt-addr-macro", session(2, 255, [bytes([MAIL]) + s("<>"), bytes([RCPT]) + s("<alias>") +
          s("bounces@lists.example.com"), bytes([BODY]) + s("x"), bytes([EOM]) + s("Q1")]))
    for fixture in sorted((FIXTURES / "providers").glob("*.eml"))[:8]:
        write("milter_session", f"real-capturer-{fixture.stem}", session(2 | 8, 255, message_ops(fixture.read_bytes())))


if __name__ == "__main__":
    webhook_seeds()
    sns_url_seeds()
    milter_seeds()
