package kernel

import (
	"encoding/json"
	"maps"
	"sync"

	"github.com/gosparkling/gosparkling/cell"
)

// Comms. The kernel registers no comm targets of its own: a comm a
// frontend opens is closed at once, except the version comm of ipywidgets
// 6. Cells open comms through their cell.Output (cell.Comms); the kernel
// remembers those to jupyter.widget and their latest state, to list them
// in comm_info_reply and to answer a frontend's request_state, so that a
// reloaded page shows a cell's live widgets again.
//
// Whether the frontend shows widgets is learnt from what its widget
// manager does on connecting: ipywidgets 6's extension opens a
// jupyter.widget.version comm (cell.Widgets6); those of ipywidgets 7 and
// 8 send comm_info_request for jupyter.widget (cell.Widgets7). Frontends
// without one (nbconvert, consoles) do neither, so cells fall back to
// plain displays there.

// widgetVersionTarget is the comm target ipywidgets 6's frontend opens
// to compare its version with the one the kernel wants.
const widgetVersionTarget = "jupyter.widget.version"

// widgetFrontendVersion is the version of jupyter-js-widgets (the
// frontend of ipywidgets 6) whose models cells use.
const widgetFrontendVersion = "~2.1.4"

// commTable is what the kernel knows of comms: the widget protocol the
// frontend speaks and the widget comms cells have open. It is safe for
// use from several goroutines.
type commTable struct {
	mu          sync.Mutex
	protocol    int    // cell.NoWidgets, cell.Widgets6 or cell.Widgets7
	versionComm string // the id of ipywidgets 6's version comm, "" for none
	open        map[string]*openComm
}

// openComm is a comm a cell opened.
type openComm struct {
	target string
	// state is the widget's model state, with every update applied; nil
	// when target is not cell.WidgetTarget.
	state map[string]any
}

// widgetProtocol returns the widget protocol of the frontend.
func (t *commTable) widgetProtocol() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.protocol
}

// askedCommInfo records a comm_info_request for target: asked for
// jupyter.widget, it comes from the widget manager of ipywidgets 7 or 8,
// unless ipywidgets 6's has said it is there.
func (t *commTable) askedCommInfo(target string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if target == cell.WidgetTarget && t.protocol != cell.Widgets6 {
		t.protocol = cell.Widgets7
	}
}

// versionCommOpened records the version comm of ipywidgets 6's frontend.
func (t *commTable) versionCommOpened(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.versionComm, t.protocol = id, cell.Widgets6
}

// isVersionComm reports whether id is ipywidgets 6's version comm.
func (t *commTable) isVersionComm(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return id != "" && id == t.versionComm
}

// versionValidated records the frontend's verdict on the version the
// kernel sent on the version comm: a frontend that cannot show the
// kernel's models gets none.
func (t *commTable) versionValidated(ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ok {
		t.protocol = cell.Widgets6
	} else {
		t.protocol = cell.NoWidgets
	}
}

// opened records a comm a cell opened, with its data.
func (t *commTable) opened(id, target string, data map[string]any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.open == nil {
		t.open = map[string]*openComm{}
	}
	c := &openComm{target: target}
	if target == cell.WidgetTarget {
		c.state = map[string]any{}
		state := data // protocol 1: the data is the state
		if s, ok := data["state"].(map[string]any); ok {
			state = s
		}
		maps.Copy(c.state, state)
	}
	t.open[id] = c
}

// sent records data a cell sent on comm id: an update of a widget's
// state changes what request_state answers.
func (t *commTable) sent(id string, data map[string]any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.open[id]
	if c == nil || c.state == nil || data["method"] != "update" {
		return
	}
	if s, ok := data["state"].(map[string]any); ok {
		maps.Copy(c.state, s)
	}
}

// closed forgets comm id, whichever side closed it.
func (t *commTable) closed(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.open, id)
	if id == t.versionComm {
		t.versionComm = ""
	}
}

// list returns the open comms to target ("" for all) as comm_info_reply
// lists them.
func (t *commTable) list(target string) map[string]map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]map[string]any{}
	for id, c := range t.open {
		if target == "" || c.target == target {
			out[id] = map[string]any{"target_name": c.target}
		}
	}
	return out
}

// stateUpdate returns the message that tells a frontend the whole state
// of widget comm id, in the frontend's protocol, and whether id is an
// open widget comm.
func (t *commTable) stateUpdate(id string) (map[string]any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.open[id]
	if c == nil || c.state == nil {
		return nil, false
	}
	msg := map[string]any{"method": "update", "state": maps.Clone(c.state)}
	if t.protocol == cell.Widgets6 {
		msg["buffers"] = []string{}
	} else {
		msg["buffer_paths"] = []any{}
	}
	return msg, true
}

// commOpenContent is the content of comm_open.
type commOpenContent struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name"`
	Data       map[string]any `json:"data"`
}

// commMsgContent is the content of comm_msg.
type commMsgContent struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// commRequest is the content of a comm_open, comm_msg or comm_close a
// frontend sends.
type commRequest struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name"`
	Data       map[string]any `json:"data"`
}

// handleCommOpen answers a comm a frontend opens: ipywidgets 6's
// version comm gets the version the kernel's widgets need; any other is
// closed at once, since the kernel registers no comm targets. Like
// ipykernel, it says so with a comm_close on IOPub rather than staying
// silent, so the frontend does not wait for the comm.
func (k *Kernel) handleCommOpen(req *message) {
	var content commRequest
	if err := json.Unmarshal(req.content, &content); err != nil || content.CommID == "" {
		k.log.Warn("kernel: comm_open without a comm_id", "err", err)
		return
	}
	if content.TargetName == widgetVersionTarget {
		k.comms.versionCommOpened(content.CommID)
		k.log.Info("kernel: the frontend shows ipywidgets 6 widgets", "comm_id", content.CommID)
		k.publish(req, "comm_msg", commMsgContent{CommID: content.CommID, Data: map[string]any{"version": widgetFrontendVersion}})
		return
	}
	k.log.Info("kernel: closing comm: no such comm target", "target_name", content.TargetName, "comm_id", content.CommID)
	k.publish(req, "comm_close", commClose{CommID: content.CommID, Data: map[string]any{}})
}

// handleCommMsg handles a frontend's message on a comm: the version
// check of ipywidgets 6 and the request_state of a widget's model.
// Updates a frontend sends of a widget's state are dropped: the
// kernel's widgets only show.
func (k *Kernel) handleCommMsg(req *message) {
	var content commRequest
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.log.Warn("kernel: comm_msg content", "err", err)
		return
	}
	if k.comms.isVersionComm(content.CommID) {
		ok, _ := content.Data["validated"].(bool)
		k.comms.versionValidated(ok)
		if !ok {
			k.log.Warn("kernel: the frontend's widgets cannot show the kernel's: progress is shown without widgets",
				"want", widgetFrontendVersion, "frontend_version", content.Data["frontend_version"])
		}
		return
	}
	if content.Data["method"] == "request_state" {
		if msg, ok := k.comms.stateUpdate(content.CommID); ok {
			k.publish(req, "comm_msg", commMsgContent{CommID: content.CommID, Data: msg})
			return
		}
	}
	k.log.Debug("kernel: ignoring comm_msg", "comm_id", content.CommID, "method", content.Data["method"])
}

// handleCommClose forgets a comm the frontend closed.
func (k *Kernel) handleCommClose(req *message) {
	var content commRequest
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.log.Warn("kernel: comm_close content", "err", err)
		return
	}
	k.comms.closed(content.CommID)
}

// commInfo is the comm_info_reply to req: the open comms to the target
// asked for (all when none is).
func (k *Kernel) commInfo(req *message) commInfoReply {
	var content struct {
		TargetName string `json:"target_name"`
	}
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.log.Warn("kernel: comm_info_request content", "err", err)
	}
	k.comms.askedCommInfo(content.TargetName)
	return commInfoReply{Status: statusOK, Comms: k.comms.list(content.TargetName)}
}
