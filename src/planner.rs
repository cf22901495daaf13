//! The staggered rota planner (pure).
