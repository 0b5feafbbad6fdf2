// Package mqtt connects aims to an MQTT broker, where edge gateways already
// publish: it ingests decision events from
//
//	aims/{org}/{system}/decisions
//
// (org is the organization's slug, system the AI system's id; the payload is
// the JSON event of POST /api/v1/systems/{id}/decisions, or several as
// NDJSON), and publishes each change of a system's authorization (a
// suspension, a resumption) as a retained message on
//
//	aims/{org}/{system}/authorization
//
// It uses MQTT 5 through eclipse/paho.golang (autopaho reconnects) with
// manual acknowledgement: a QoS 1 message is acknowledged only once its
// event is sealed in the log, so a crash before that makes the broker send
// it again (and an event sent twice is stored once). The subscription is
// shared ($share/aims/...), so that replicas split the messages. The broker
// authenticates gateways and its ACLs decide who may publish where: aims
// trusts what arrives on a decisions topic as the organization's.
package mqtt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// DecisionsFilter is the topic filter of decision events; replicas share
// the subscription in the group named by Options.Group.
const DecisionsFilter = "aims/+/+/decisions"

// Options tune the connection; the zero value is what aims serve uses.
type Options struct {
	// Group names the shared subscription (default "aims"): each message
	// goes to one subscriber of the group.
	Group string
	// Ephemeral starts a clean session that ends with the connection
	// (tests); by default the broker keeps the session for a day.
	Ephemeral bool
}

// inFlight bounds the messages being sealed at once: past it the broker's
// deliveries wait (MQTT flow control does the rest).
const inFlight = 512

// Bridge is the connection to the broker.
type Bridge struct {
	svc  *service.Service
	log  *slog.Logger
	cm   *autopaho.ConnectionManager
	sem  chan struct{}
	orgs sync.Map // slug -> *aims.Organization
	wg   sync.WaitGroup

	subscribed     chan struct{} // closed at the first subscription
	subscribedOnce sync.Once
}

// Start connects to the broker at rawURL (mqtt://host:1883, or mqtts://;
// user and password in the URL; ?client_id= names the session, by default
// aims-HOSTNAME) and subscribes. It returns at once; autopaho keeps
// reconnecting until ctx ends.
func Start(ctx context.Context, rawURL string, svc *service.Service, log *slog.Logger, opts Options) (*Bridge, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("MQTT URL: %w", err)
	}
	clientID := u.Query().Get("client_id")
	if clientID == "" {
		host, _ := os.Hostname()
		clientID = "aims-" + host
	}
	server := *u
	server.RawQuery, server.User = "", nil
	if server.Scheme == "mqtts" {
		server.Scheme = "tls"
	}
	if opts.Group == "" {
		opts.Group = "aims"
	}
	topic := "$share/" + opts.Group + "/" + DecisionsFilter
	var expiry uint32 = 86400
	if opts.Ephemeral {
		expiry = 0
	}
	b := &Bridge{svc: svc, log: log, sem: make(chan struct{}, inFlight), subscribed: make(chan struct{})}
	cfg := autopaho.ClientConfig{
		ServerUrls: []*url.URL{&server},
		KeepAlive:  30,
		// The broker keeps the session (and the messages not yet
		// acknowledged) for a day while aims is away.
		CleanStartOnInitialConnection: opts.Ephemeral,
		SessionExpiryInterval:         expiry,
		ReconnectBackoff:              autopaho.NewExponentialBackoff(200*time.Millisecond, 10*time.Second, 2*time.Second, 1.5),
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			log.Info("MQTT connected", "broker", server.String())
			go func() {
				if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
					log.Error("MQTT subscribe failed", "topic", topic, "err", err)
					return
				}
				log.Info("MQTT subscribed", "topic", topic)
				b.subscribedOnce.Do(func() { close(b.subscribed) })
			}()
		},
		OnConnectError: func(err error) { log.Warn("MQTT connection failed; retrying", "broker", server.String(), "err", err) },
		ClientConfig: paho.ClientConfig{
			ClientID:                   clientID,
			EnableManualAcknowledgment: true,
			SendAcksInterval:           5 * time.Millisecond,
			OnPublishReceived:          []func(paho.PublishReceived) (bool, error){b.received},
			OnClientError:              func(err error) { log.Warn("MQTT client error", "err", err) },
		},
	}
	if u.User != nil {
		cfg.ConnectUsername = u.User.Username()
		if p, ok := u.User.Password(); ok {
			cfg.ConnectPassword = []byte(p)
		}
	}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("MQTT: %w", err)
	}
	b.cm = cm
	svc.SetAuthorizationAnnouncer(b.announce)
	return b, nil
}

// Subscribed is closed once the bridge has subscribed the first time.
func (b *Bridge) Subscribed() <-chan struct{} { return b.subscribed }

// Done is closed when the bridge has stopped (its context ended).
func (b *Bridge) Done() <-chan struct{} { return b.cm.Done() }

// Wait waits for the messages being sealed.
func (b *Bridge) Wait() { b.wg.Wait() }

// received hands a message to a goroutine, so that the client keeps
// reading; the acknowledgements still go out in the order of receipt.
func (b *Bridge) received(pr paho.PublishReceived) (bool, error) {
	b.sem <- struct{}{}
	b.wg.Add(1)
	go func() {
		defer func() { <-b.sem; b.wg.Done() }()
		b.handle(pr.Packet)
		if err := pr.Client.Ack(pr.Packet); err != nil {
			b.log.Warn("MQTT acknowledgement failed", "topic", pr.Packet.Topic, "err", err)
		}
	}()
	return true, nil
}

// handle seals one message's events, retrying while the database is
// unavailable (the message is acknowledged only after). A message that is
// not a decision event is logged, counted and acknowledged: sending it
// again would not make it one.
func (b *Bridge) handle(p *paho.Publish) {
	org, systemID, ok := parseTopic(p.Topic)
	drop := func(reason string, err error) {
		b.svc.CountInvalidMQTT()
		b.log.Warn("MQTT message dropped: "+reason, "topic", p.Topic, "err", err, "bytes", len(p.Payload))
	}
	if !ok {
		drop("the topic is not aims/{org}/{system}/decisions", nil)
		return
	}
	ctx, err := b.context(org)
	if err != nil {
		drop("unknown organization", err)
		return
	}
	payload := bytes.TrimSpace(p.Payload)
	for attempt := 0; ; attempt++ {
		if bytes.IndexByte(payload, '\n') >= 0 {
			var res *aims.DecisionBatchResult
			res, err = b.svc.RecordDecisionBatch(ctx, systemID, payload, service.ViaMQTT)
			if err == nil && res.Rejected > 0 {
				for range res.Rejected {
					b.svc.CountInvalidMQTT()
				}
				b.log.Warn("MQTT batch with bad lines: the good ones are stored", "topic", p.Topic, "errors", res.Errors)
			}
		} else {
			_, err = b.svc.RecordDecision(ctx, systemID, payload, service.ViaMQTT)
		}
		switch aims.KindOf(err) {
		case "":
			return
		case aims.KindInvalid, aims.KindBadRequest, aims.KindTooLarge, aims.KindNotFound, aims.KindForbidden:
			drop("not a decision event of a known system", err)
			return
		}
		b.log.Error("MQTT message not stored yet; retrying", "topic", p.Topic, "attempt", attempt, "err", err)
		time.Sleep(min(time.Duration(attempt+1)*200*time.Millisecond, 5*time.Second))
	}
}

// context acts for aims itself in the organization named by slug.
func (b *Bridge) context(slug string) (context.Context, error) {
	v, ok := b.orgs.Load(slug)
	if !ok {
		org, err := b.svc.ResolveOrganization(context.Background(), slug)
		if err != nil {
			return nil, err
		}
		if org.Slug != slug {
			return nil, aims.ErrNotFound("organization")
		}
		b.orgs.Store(slug, org)
		v = org
	}
	return service.SystemContext(context.Background(), v.(*aims.Organization), "mqtt"), nil
}

func parseTopic(topic string) (org, system string, ok bool) {
	parts := strings.Split(topic, "/")
	if len(parts) != 4 || parts[0] != "aims" || parts[3] != "decisions" || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// authorizationMessage is what goes out on aims/{org}/{system}/authorization.
type authorizationMessage struct {
	*aims.Authorization
	Suspensions []*aims.Suspension `json:"suspensions"`
}

// announce publishes a system's authorization, retained, so that a
// gateway that connects later learns it at once.
func (b *Bridge) announce(ctx context.Context, orgSlug string, a *aims.Authorization, open []*aims.Suspension) {
	if open == nil {
		open = []*aims.Suspension{}
	}
	payload, err := json.Marshal(authorizationMessage{Authorization: a, Suspensions: open})
	if err != nil {
		return
	}
	topic := "aims/" + orgSlug + "/" + a.SystemID + "/authorization"
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := b.cm.Publish(pctx, &paho.Publish{Topic: topic, QoS: 1, Retain: true, Payload: payload}); err != nil {
		b.log.Error("MQTT: could not publish the authorization", "topic", topic, "err", err)
	}
}
