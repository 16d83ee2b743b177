package kernel

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestTheWidgetProtocolIsLearntFromTheFrontend checks what a cell is told
// of the frontend's widgets after what the frontend's widget manager did
// on connecting: nothing (nbconvert, consoles), asked comm_info for
// jupyter.widget (ipywidgets 7 and 8), or opened ipywidgets 6's version
// comm and accepted, or refused, the version the kernel wants.
func TestTheWidgetProtocolIsLearntFromTheFrontend(t *testing.T) {
	type step struct {
		msgType string
		content map[string]any
	}
	info := func(target string) step {
		return step{"comm_info_request", map[string]any{"target_name": target}}
	}
	versionComm := step{"comm_open", map[string]any{"comm_id": "v1", "target_name": "jupyter.widget.version", "data": map[string]any{}}}
	verdict := func(ok bool) step {
		return step{"comm_msg", map[string]any{"comm_id": "v1", "data": map[string]any{"validated": ok, "frontend_version": "2.1.4"}}}
	}
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"a frontend that says nothing", nil, "0"},
		{"comm_info for every target", []step{info("")}, "0"},
		{"comm_info for another target", []step{info("other")}, "0"},
		{"ipywidgets 7 or 8", []step{info("jupyter.widget")}, "2"},
		{"ipywidgets 6", []step{versionComm, verdict(true), info("jupyter.widget")}, "1"},
		{"ipywidgets 6 asking comm_info first", []step{info("jupyter.widget"), versionComm}, "1"},
		{"ipywidgets 6 of another version", []step{versionComm, verdict(false)}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, newFakeExecutor())
			for _, s := range tt.steps {
				tk.published(tk.send(tk.shell, s.msgType, s.content))
			}
			_, iopub := tk.execute("widgets", nil)
			if got := resultText(t, iopub); got != tt.want {
				t.Errorf("widget protocol = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTheVersionCommOfIPyWidgets6GetsTheWantedVersion checks the answer
// to ipywidgets 6's version check: the kernel keeps the comm open and
// sends on it the frontend version its widgets need.
func TestTheVersionCommOfIPyWidgets6GetsTheWantedVersion(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	open := tk.send(tk.shell, "comm_open", map[string]any{"comm_id": "v1", "target_name": "jupyter.widget.version", "data": map[string]any{}})
	iopub := tk.published(open)
	if got, want := types(t, iopub), []string{"status:busy", "comm_msg", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("IOPub for the version comm_open = %v, want %v", got, want)
	}
	want := map[string]any{"comm_id": "v1", "data": map[string]any{"version": "~2.1.4"}}
	if got := contentOf(t, iopub[1]); !reflect.DeepEqual(got, want) {
		t.Errorf("comm_msg = %v, want %v", got, want)
	}
}

// TestCellCommsArePublishedListedAndRestored follows a widget comm a cell
// opens: comm_open (with its protocol version in the message's metadata)
// and comm_msg on IOPub, parented to the cell's request; listed by
// comm_info_reply while open; its whole state, updates applied, sent
// again when a reloaded frontend asks request_state; forgotten once
// closed.
func TestCellCommsArePublishedListedAndRestored(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	tk.published(tk.send(tk.shell, "comm_info_request", map[string]any{"target_name": "jupyter.widget"}))

	_, iopub := tk.execute("comm", nil)
	if got, want := collapseStreams(types(t, iopub)), []string{"status:busy", "execute_input", "comm_open", "comm_msg", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("IOPub of the cell = %v, want %v", got, want)
	}
	open := contentOf(t, iopub[2])
	if open["comm_id"] != "w1" || open["target_name"] != "jupyter.widget" {
		t.Errorf("comm_open = %v", open)
	}
	var meta map[string]any
	if err := json.Unmarshal(iopub[2].metadata, &meta); err != nil || meta["version"] != "2.0.0" {
		t.Errorf("comm_open metadata = %s (%v), want the protocol version 2.0.0", iopub[2].metadata, err)
	}

	infoReply := func() map[string]any {
		return contentOf(t, tk.reply(tk.shellBox, tk.send(tk.shell, "comm_info_request", map[string]any{"target_name": "jupyter.widget"})))
	}
	wantListed := map[string]any{"status": "ok", "comms": map[string]any{"w1": map[string]any{"target_name": "jupyter.widget"}}}
	if got := infoReply(); !reflect.DeepEqual(got, wantListed) {
		t.Errorf("comm_info_reply with the comm open = %v, want %v", got, wantListed)
	}

	ask := tk.send(tk.shell, "comm_msg", map[string]any{"comm_id": "w1", "data": map[string]any{"method": "request_state"}})
	answer := tk.published(ask)
	if got, want := types(t, answer), []string{"status:busy", "comm_msg", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("IOPub for request_state = %v, want %v", got, want)
	}
	wantState := map[string]any{"comm_id": "w1", "data": map[string]any{
		"method": "update", "buffer_paths": []any{},
		"state": map[string]any{"_model_name": "HTMLModel", "value": "b"},
	}}
	if got := contentOf(t, answer[1]); !reflect.DeepEqual(got, wantState) {
		t.Errorf("answer to request_state = %v, want %v", got, wantState)
	}

	// What the frontend sends of a widget's state is dropped.
	update := tk.send(tk.shell, "comm_msg", map[string]any{"comm_id": "w1", "data": map[string]any{"method": "update", "state": map[string]any{"value": "c"}}})
	if got, want := types(t, tk.published(update)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Errorf("IOPub for the frontend's update = %v, want %v", got, want)
	}

	_, iopub = tk.execute("commclose", nil)
	if got, want := types(t, iopub), []string{"status:busy", "execute_input", "comm_close", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("IOPub of the closing cell = %v, want %v", got, want)
	}
	wantNone := map[string]any{"status": "ok", "comms": map[string]any{}}
	if got := infoReply(); !reflect.DeepEqual(got, wantNone) {
		t.Errorf("comm_info_reply after the close = %v, want %v", got, wantNone)
	}
}

// TestACommTheFrontendClosesIsForgotten checks that a comm_close from
// the frontend ends the kernel's record of a cell's comm.
func TestACommTheFrontendClosesIsForgotten(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	tk.execute("comm", nil)
	tk.published(tk.send(tk.shell, "comm_close", map[string]any{"comm_id": "w1", "data": map[string]any{}}))
	r := tk.reply(tk.shellBox, tk.send(tk.shell, "comm_info_request", map[string]any{}))
	if got, want := contentOf(t, r), (map[string]any{"status": "ok", "comms": map[string]any{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("comm_info_reply = %v, want %v", got, want)
	}
}

// resultText is the text/plain of the execute_result among msgs.
func resultText(t *testing.T, msgs []*message) string {
	t.Helper()
	for _, m := range msgs {
		if m.header.MsgType == "execute_result" {
			data, _ := contentOf(t, m)["data"].(map[string]any)
			text, _ := data["text/plain"].(string)
			return text
		}
	}
	t.Fatalf("no execute_result in %s", summarize(msgs))
	return ""
}
