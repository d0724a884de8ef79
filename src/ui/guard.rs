//! The scan guard: the root widget of the window. Every key passes through a [`KeyGate`] before
//! any text field sees it, so a keyboard-wedge burst becomes a scan and never types into a form
//! or presses its Enter; a person's keys reach the focused field one gap (35 ms) late, in order.
//! Tab, when no widget takes it, moves the focus to the next field.
//!
//! This is also where wedge scans are detected: the gate decides from the same timestamps
//! whether keys are a scan, so detection and holding back can never disagree.

use super::input::wedge_key;
use crate::scan::wedge::{Gated, Key, KeyGate, WedgeConfig, WedgeEvent};
use iced::advanced::widget::{Operation, Tree, Widget, operation, tree};
use iced::advanced::{Clipboard, Layout, Shell, layout, mouse, overlay, renderer};
use iced::keyboard::Event as KeyEvent;
use iced::{Element, Event, Length, Rectangle, Size, Vector};
use std::time::Instant;

/// Wraps `content`: wedge scans are published through `on_wedge`.
pub fn guard<'a, Message, Theme, Renderer>(
    content: impl Into<Element<'a, Message, Theme, Renderer>>,
    config: WedgeConfig,
    on_wedge: fn(WedgeEvent) -> Message,
) -> ScanGuard<'a, Message, Theme, Renderer> {
    ScanGuard {
        content: content.into(),
        config,
        on_wedge,
    }
}

pub struct ScanGuard<'a, Message, Theme, Renderer> {
    content: Element<'a, Message, Theme, Renderer>,
    config: WedgeConfig,
    on_wedge: fn(WedgeEvent) -> Message,
}

struct State {
    gate: KeyGate<Event>,
}

impl<Message, Theme, Renderer> ScanGuard<'_, Message, Theme, Renderer>
where
    Renderer: renderer::Renderer,
{
    /// Delivers released keys to the content, then publishes a scan; a released Tab that no
    /// widget took moves the focus.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &mut self,
        tree: &mut Tree,
        out: Gated<Event>,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        for event in out.release {
            let mut messages = Vec::new();
            let mut inner = Shell::new(&mut messages);
            self.content.as_widget_mut().update(
                &mut tree.children[0],
                &event,
                layout,
                cursor,
                renderer,
                clipboard,
                &mut inner,
                viewport,
            );
            let captured = inner.is_event_captured();
            shell.merge(inner, |m| m);
            if !captured && is_tab(&event) {
                let mut op: Box<dyn Operation> = Box::new(operation::focusable::focus_next());
                // `focus_next` counts first, then focuses: run each link of the chain.
                loop {
                    self.content.as_widget_mut().operate(
                        &mut tree.children[0],
                        layout,
                        renderer,
                        op.as_mut(),
                    );
                    match op.finish() {
                        operation::Outcome::Chain(next) => op = next,
                        _ => break,
                    }
                }
                shell.request_redraw();
            }
        }
        for ev in out.wedge {
            shell.publish((self.on_wedge)(ev));
        }
    }
}

fn is_tab(event: &Event) -> bool {
    matches!(
        event,
        Event::Keyboard(KeyEvent::KeyPressed {
            key: iced::keyboard::Key::Named(iced::keyboard::key::Named::Tab),
            modifiers,
            ..
        }) if !modifiers.control() && !modifiers.alt()
    )
}

impl<Message, Theme, Renderer> Widget<Message, Theme, Renderer>
    for ScanGuard<'_, Message, Theme, Renderer>
where
    Renderer: renderer::Renderer,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State {
            gate: KeyGate::new(self.config.clone()),
        })
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        // New scanner settings take effect at once (a held key is delivered first).
        let state = tree.state.downcast_mut::<State>();
        if state.gate.config() != &self.config && !state.gate.holding() {
            state.gate = KeyGate::new(self.config.clone());
        }
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        let now = match event {
            Event::Window(iced::window::Event::RedrawRequested(at)) => *at,
            _ => Instant::now(),
        };
        let keyed = match event {
            Event::Keyboard(KeyEvent::KeyPressed {
                key, text, repeat, ..
            }) => wedge_key(key, text.as_deref()).map(|k| (k, *repeat)),
            _ => None,
        };
        let state = tree.state.downcast_mut::<State>();
        let out = match keyed {
            Some((key, repeat)) => {
                let out = state.gate.key(key, repeat, now, event.clone());
                // Held or swallowed: nobody else sees it now.
                shell.capture_event();
                out
            }
            None => {
                let mut out = state.gate.tick(now);
                if matches!(
                    event,
                    Event::Mouse(mouse::Event::ButtonPressed(_))
                        | Event::Touch(iced::touch::Event::FingerPressed { .. })
                ) {
                    let more = state.gate.flush();
                    out.release.extend(more.release);
                }
                out
            }
        };
        if let Some(at) = state.gate.deadline() {
            shell.request_redraw_at(at);
        }
        self.deliver(
            tree, out, layout, cursor, renderer, clipboard, shell, viewport,
        );
        if keyed.is_none() {
            self.content.as_widget_mut().update(
                &mut tree.children[0],
                event,
                layout,
                cursor,
                renderer,
                clipboard,
                shell,
                viewport,
            );
        }
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message, Theme, Renderer> From<ScanGuard<'a, Message, Theme, Renderer>>
    for Element<'a, Message, Theme, Renderer>
where
    Message: 'a,
    Theme: 'a,
    Renderer: renderer::Renderer + 'a,
{
    fn from(g: ScanGuard<'a, Message, Theme, Renderer>) -> Self {
        Element::new(g)
    }
}

/// Keys the gate looks at (for tests that build events by hand).
pub fn gate_key(event: &Event) -> Option<Key> {
    match event {
        Event::Keyboard(KeyEvent::KeyPressed { key, text, .. }) => wedge_key(key, text.as_deref()),
        _ => None,
    }
}
