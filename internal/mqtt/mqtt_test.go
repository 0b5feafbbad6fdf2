package mqtt_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/mqtt"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// broker is the local Mosquitto the tests use.
const broker = "127.0.0.1:1883"

// requireBroker skips when no broker answers, unless AIMS_TEST_REQUIRE_MQTT=1.
func requireBroker(t *testing.T) {
	t.Helper()
	c, err := net.DialTimeout("tcp", broker, time.Second)
	if err == nil {
		c.Close()
		return
	}
	if os.Getenv("AIMS_TEST_REQUIRE_MQTT") == "1" {
		t.Fatalf("no MQTT broker on %s but AIMS_TEST_REQUIRE_MQTT=1: %v", broker, err)
	}
	t.Skipf("MQTT tests skipped: no broker on %s (apt-get install mosquitto; set AIMS_TEST_REQUIRE_MQTT=1 to make this a failure)", broker)
}

func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// client connects a plain MQTT 5 client, as a gateway would.
func client(t *testing.T, ctx context.Context, onMessage func(paho.PublishReceived) (bool, error)) *autopaho.ConnectionManager {
	t.Helper()
	u, _ := url.Parse("mqtt://" + broker)
	cfg := autopaho.ClientConfig{ServerUrls: []*url.URL{u}, KeepAlive: 30, CleanStartOnInitialConnection: true,
		ClientConfig: paho.ClientConfig{ClientID: randomName("gw-")}}
	if onMessage != nil {
		cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){onMessage}
	}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := cm.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}
	return cm
}

// TestMQTTIngestion publishes to the local Mosquitto as a gateway: a
// message that is not JSON is logged and counted and the subscription
// keeps running; valid events (one, and an NDJSON batch) are sealed; a
// suspension goes out as a retained message.
func TestMQTTIngestion(t *testing.T) {
	requireBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := storetest.OpenSQLite(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(db, quiet)
	skey, err := ledger.GenerateMasterKey("mqtt-test")
	if err != nil {
		t.Fatal(err)
	}
	mk, err := ledger.ParseMasterKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetLogKey(mk)
	f := storetest.NewOrg(t, db, randomName("mqtt-"))
	sys := storetest.System("Setpoint optimizer", f.Admin.ID)
	sys.LifecycleStage = aims.StageDeployed
	f.MustCreateSystem(t, db, sys)

	bctx, stop := context.WithCancel(ctx)
	bridge, err := mqtt.Start(bctx, "mqtt://"+broker+"?client_id="+randomName("aims-test-"), svc, quiet, mqtt.Options{Group: randomName("g"), Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); <-bridge.Done() }()
	select {
	case <-bridge.Subscribed():
	case <-ctx.Done():
		t.Fatal("the bridge did not subscribe")
	}

	gw := client(t, ctx, nil)
	topic := "aims/" + f.Org.Slug + "/" + sys.ID + "/decisions"
	ev := func(seq int) string {
		return fmt.Sprintf(`{"model_version":"1.0","source":"gw-mqtt","seq":%d,"source_time":%q,"inputs":{"FT-201 flow":12.5},"output":{"value":%d,"unit":"%%"}}`,
			seq, time.Now().UTC().Format(time.RFC3339Nano), 40+seq)
	}
	for _, payload := range []string{"this is not JSON {", ev(1), ev(2) + "\n" + ev(3) + "\n" + ev(1), `{"source":"gw-mqtt"}`, ev(4)} {
		if _, err := gw.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(payload)}); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}

	octx := service.OperatorContext(ctx, f.Org, "test")
	deadline := time.Now().Add(20 * time.Second)
	var total int
	for time.Now().Before(deadline) {
		if _, total, err = svc.FindDecisions(octx, sys.ID, aims.DecisionFilter{}); err != nil {
			t.Fatal(err)
		}
		if total >= 4 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if total != 4 {
		t.Fatalf("%d decisions stored from MQTT, want 4 (seq 1 to 4, the repeated seq 1 once)", total)
	}
	// Each is sealed: its tlog-proof verifies with the log's key, for the
	// entry the stored decision encodes to, and its payload matches the
	// salted digest the entry holds.
	vkey, err := svc.LogVerifierKey(octx)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	stored, _, err := svc.FindDecisions(octx, sys.ID, aims.DecisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range stored {
		file, err := svc.DecisionProof(octx, sys.ID, d.ID)
		if err != nil {
			t.Fatalf("proof of seq %d: %v", d.Seq, err)
		}
		entry, err := ledger.EncodeDecision(f.Org.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ledger.VerifyRecordProof(file, verifier, entry); err != nil {
			t.Errorf("seq %d: %v", d.Seq, err)
		}
		if ledger.SaltedDigest(d.Salt, d.Payload) != d.PayloadDigest {
			t.Errorf("seq %d: the payload does not match its salted digest", d.Seq)
		}
	}
	// Messages are handled concurrently: the bad ones may be counted
	// after the good ones are stored.
	var invalid float64
	for {
		for _, c := range svc.DecisionCollectors() {
			if n := testutil.CollectAndCount(c, "aims_mqtt_invalid_messages_total"); n == 1 {
				invalid = testutil.ToFloat64(c)
			}
		}
		if invalid >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if invalid != 2 {
		t.Errorf("aims_mqtt_invalid_messages_total = %v, want 2 (the non-JSON message and the event without fields)", invalid)
	}

	// A suspension is published, retained: a gateway that subscribes
	// afterwards learns it at once.
	if _, err := svc.SuspendSystem(octx, sys.ID, aims.NewSuspension{Reason: "drift"}); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	watcher := client(t, ctx, func(pr paho.PublishReceived) (bool, error) {
		select {
		case got <- pr.Packet.Payload:
		default:
		}
		return true, nil
	})
	authTopic := "aims/" + f.Org.Slug + "/" + sys.ID + "/authorization"
	if _, err := watcher.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: authTopic, QoS: 1}}}); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		var msg struct {
			Authorized  bool   `json:"authorized"`
			Code        string `json:"code"`
			Suspensions []any  `json:"suspensions"`
		}
		if err := json.Unmarshal(b, &msg); err != nil || msg.Authorized || msg.Code != aims.AuthzSystemSuspended || len(msg.Suspensions) != 1 {
			t.Errorf("retained authorization %s (%v)", b, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no retained authorization message")
	}
	// Clear the retained message, so the broker keeps nothing of the test.
	_, _ = gw.Publish(ctx, &paho.Publish{Topic: authTopic, QoS: 1, Retain: true})
}
