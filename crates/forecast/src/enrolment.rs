//! Enrolment by stage and grade (B3): entry rates by age, grade progression
//! ratios with a choice of averaging, the senior transition, public and
//! private apart.
