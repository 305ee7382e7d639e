//! Data-flow diagrams of one system: layout, then SVG, Graphviz DOT or Mermaid.
