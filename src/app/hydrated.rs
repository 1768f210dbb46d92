//! [`Hydrated`]: a view hydrated the plain way even where it is type-erased.
//!
//! A route's view is erased into an `AnyView`, which keeps a pointer to each way of
//! rendering it, among them `hydrate_async` (for routes whose code loads lazily). Each
//! view type implements that by walking its children asynchronously, so erasing the job
//! page compiled a second, async copy of its whole hydration into the browser bundle:
//! 28 KB of the brotli-compressed wasm (README "Performance"). Our routes are never lazy:
//! this wrapper passes every way of rendering through but leaves `hydrate_async` to its
//! default, which is the plain `hydrate`, so only that copy exists.

use leptos::tachys::{
    html::attribute::{Attribute, any_attribute::AnyAttribute},
    hydration::Cursor,
    ssr::StreamBuilder,
    view::{Position, PositionState, Render, RenderHtml, add_attr::AddAnyAttr},
};

pub struct Hydrated<V>(pub V);

impl<V: Render> Render for Hydrated<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

/// Attributes spread onto a route's view have nowhere to go (none are).
impl<V: RenderHtml> AddAnyAttr for Hydrated<V> {
    type Output<A: Attribute> = Hydrated<V>;

    fn add_any_attr<A: Attribute>(self, _attr: A) -> Self::Output<A> {
        self
    }
}

impl<V: RenderHtml> RenderHtml for Hydrated<V> {
    type AsyncOutput = Hydrated<V::AsyncOutput>;
    type Owned = Hydrated<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        Hydrated(self.0.resolve().await)
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        Hydrated(self.0.into_owned())
    }
}
